import { Field, ID, InputType } from 'type-graphql';

@InputType('CheckpointFilter', { description: 'Which checkpoints to list.' })
export class CheckpointFilterInput {
  @Field(() => ID, { nullable: true, description: 'Only checkpoints bound to this label set.' })
  labelSetId?: string | null;
}
