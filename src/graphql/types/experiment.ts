import { Field, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from './connection.js';

@ObjectType('Experiment', {
  description:
    'A question of the form "add the labels of a target label set to a base checkpoint": the data to ' +
    'train and evaluate on, and the runs that try strategies side by side.',
})
export class ExperimentObject {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field({ description: 'Short name.' })
  name: string;

  @Field({ description: 'Free text: the hypothesis, the context, anything a reader needs.' })
  description: string;

  @Field(() => [String], { description: 'Tags for finding it again; filter with `experiments(filter: { tags })`.' })
  tags: string[];

  @Field(() => Date, { nullable: true, description: 'When it was archived; null while active.' })
  archivedAt: Date | null;

  @Field({ description: 'When it was created.' })
  createdAt: Date;

  @Field({ description: 'When it was last changed.' })
  updatedAt: Date;
}

export const ExperimentConnection = ConnectionType(ExperimentObject, 'Experiment', 'experiments');
