import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DatasetFormat, Split } from '../../entities/index.js';
import { ConnectionType } from './connection.js';

@ObjectType('Dataset', { description: 'An imported file of labelled texts, split into train, validation and test. Immutable.' })
export class DatasetObject {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field({ description: 'Unique name given at import.' })
  name: string;

  @Field(() => DatasetFormat, { description: 'Format of the imported file.' })
  format: DatasetFormat;

  @Field({ description: 'Column (or JSON key) the texts were read from.' })
  textColumn: string;

  @Field({ description: 'Column (or JSON key) the labels were read from.' })
  labelColumn: string;

  @Field(() => String, { nullable: true, description: 'Column the splits were read from; null when the file had none.' })
  splitColumn: string | null;

  @Field(() => Int, { description: 'Number of examples.' })
  exampleCount: number;

  @Field(() => Int, { description: 'Examples whose split was assigned by the seeded hash because the file gave none.' })
  generatedSplitCount: number;

  @Field(() => Int, {
    description:
      'Train examples moved to the validation split because the file gave their label no validation examples: a tenth of each such label\'s train examples (rounded down), chosen by the seeded hash. Recommendations are decided on validation examples.',
  })
  carvedValidationCount: number;

  @Field(() => Float, { description: 'Size of the imported content in bytes (UTF-8).' })
  sizeBytes: number;

  @Field({ description: 'SHA-256 of the imported content, hex: identifies exactly which data a run saw.' })
  contentSha256: string;

  @Field({ description: 'When it was imported.' })
  createdAt: Date;
}

@ObjectType('SplitCounts', { description: 'How many examples each split of a dataset holds.' })
export class SplitCountsObject {
  @Field(() => Int, { description: 'Examples in the train split.' })
  train: number;

  @Field(() => Int, { description: 'Examples in the validation split.' })
  validation: number;

  @Field(() => Int, { description: 'Examples in the test split.' })
  test: number;
}

@ObjectType('DatasetLabelCount', { description: 'How many examples of one label each split of a dataset holds.' })
export class DatasetLabelCountObject extends SplitCountsObject {
  @Field({ description: 'The label.' })
  label: string;

  @Field(() => Int, { description: 'Examples in all splits.' })
  total: number;
}

@ObjectType('Example', { description: 'One labelled text of a dataset.' })
export class ExampleObject {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => Int, { description: '0-based position among the data rows of the imported file.' })
  ordinal: number;

  @Field({ description: 'The text, exactly as imported.' })
  text: string;

  @Field({ description: 'The label, trimmed.' })
  label: string;

  @Field(() => Split, { description: 'The split it belongs to.' })
  split: Split;
}

export const DatasetConnection = ConnectionType(DatasetObject, 'Dataset', 'datasets');
export const ExampleConnection = ConnectionType(ExampleObject, 'Example', 'examples');
