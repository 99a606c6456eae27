import { Field, ID, InputType } from 'type-graphql';

@InputType('CreateExperimentInput', { description: 'A new experiment.' })
export class CreateExperimentInput {
  @Field({ description: 'Short name.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Free text; default empty.' })
  description?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Checkpoint to add labels to. May be set later with updateExperiment; launching runs needs it.',
  })
  baseCheckpointId?: string | null;

  @Field(() => ID, { description: 'Label set to reach: an extension of the base checkpoint\'s label set.' })
  targetLabelSetId: string;

  @Field(() => ID, { description: 'Dataset to train and evaluate on.' })
  datasetId: string;

  @Field(() => [String], { nullable: true, description: 'Tags; default none.' })
  tags?: string[] | null;
}

@InputType('UpdateExperimentInput', {
  description: 'Changes to an experiment; omitted fields stay. Base checkpoint, target label set and dataset can change only before the first run.',
})
export class UpdateExperimentInput {
  @Field(() => ID, { description: 'The experiment to change.' })
  id: string;

  @Field(() => String, { nullable: true, description: 'New name.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'New description.' })
  description?: string | null;

  @Field(() => ID, { nullable: true, description: 'New base checkpoint.' })
  baseCheckpointId?: string | null;

  @Field(() => ID, { nullable: true, description: 'New target label set.' })
  targetLabelSetId?: string | null;

  @Field(() => ID, { nullable: true, description: 'New dataset.' })
  datasetId?: string | null;

  @Field(() => [String], { nullable: true, description: 'New tags, replacing the old ones.' })
  tags?: string[] | null;
}

@InputType('ExperimentFilter', { description: 'Which experiments to list.' })
export class ExperimentFilterInput {
  @Field(() => String, { nullable: true, description: 'Case-insensitive text to find in the name or description.' })
  search?: string | null;

  @Field(() => [String], { nullable: true, description: 'Only experiments carrying all of these tags.' })
  tags?: string[] | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'false (default): active experiments; true: archived ones; null: both.',
  })
  archived?: boolean | null;

  @Field(() => ID, { nullable: true, description: 'Only experiments on this dataset.' })
  datasetId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only experiments reaching this label set.' })
  targetLabelSetId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only experiments starting from this checkpoint.' })
  baseCheckpointId?: string | null;
}
