import { Field, ID, InputType } from 'type-graphql';
import { RunKind, RunStatus } from '../../entities/index.js';

@InputType('RunFilter', { description: 'Which runs to list.' })
export class RunFilterInput {
  @Field(() => ID, { nullable: true, description: 'Only runs of this experiment.' })
  experimentId?: string | null;

  @Field(() => RunStatus, { nullable: true, description: 'Only runs in this status.' })
  status?: RunStatus | null;

  @Field(() => RunKind, { nullable: true, description: 'Only runs of this kind.' })
  kind?: RunKind | null;
}
