import { Field, ID, InputType } from 'type-graphql';

@InputType('CreateLabelSetInput', { description: 'A new label set from an ordered list of labels.' })
export class CreateLabelSetInput {
  @Field({ description: 'Name of the label set.' })
  name: string;

  @Field(() => [String], { description: 'Labels in head-row order; unique, not blank.' })
  labels: string[];
}

@InputType('ExtendLabelSetInput', { description: 'A child label set that appends labels to a parent.' })
export class ExtendLabelSetInput {
  @Field(() => ID, { description: 'The label set to extend.' })
  parentId: string;

  @Field(() => [String], { description: 'Labels to append, in order; none may already be in the parent.' })
  addLabels: string[];

  @Field(() => String, { nullable: true, description: 'Name of the child; default: the parent\'s name.' })
  name?: string | null;
}
