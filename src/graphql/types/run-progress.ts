import { Field, ID, ObjectType } from 'type-graphql';
import { RunStatus } from '../../entities/index.js';
import { MAX_NOTIFIED_ERROR_LENGTH } from '../../events/publish.js';
import { EpochMetricObject } from './epoch-metric.js';

@ObjectType('RunProgress', {
  description: 'A live report from a training run: one per finished epoch, then one with the final status.',
})
export class RunProgressObject {
  @Field(() => ID, { description: 'The run.' })
  runId: string;

  @Field(() => ID, { nullable: true, description: 'The run\'s experiment; null for base training.' })
  experimentId: string | null;

  @Field(() => RunStatus, { description: 'The run\'s status when this report was sent.' })
  status: RunStatus;

  @Field(() => EpochMetricObject, { nullable: true, description: 'The epoch just finished; null in a status report.' })
  epoch: EpochMetricObject | null;

  @Field(() => String, {
    nullable: true,
    description: `Why the run failed, in the final report of a failed run; a long one may be cut to ${MAX_NOTIFIED_ERROR_LENGTH} characters (Run.error has all of it).`,
  })
  error: string | null;

  @Field({ description: 'True in the last report of a run: it has ended and nothing more will come for it.' })
  final: boolean;
}
