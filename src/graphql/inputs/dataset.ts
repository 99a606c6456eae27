import { Field, InputType } from 'type-graphql';
import { DatasetFormat, Split } from '../../entities/index.js';

@InputType('ImportDatasetInput', { description: 'A dataset file to import, sent as text.' })
export class ImportDatasetInput {
  @Field({ description: 'Unique name for the dataset.' })
  name: string;

  @Field(() => DatasetFormat, { description: 'Format of `content`.' })
  format: DatasetFormat;

  @Field({ description: 'The whole file as UTF-8 text, up to 50 MB.' })
  content: string;

  @Field(() => String, { nullable: true, description: 'Column (JSON key) holding the text. Default: the first of text, sentence, utterance.' })
  textColumn?: string | null;

  @Field(() => String, { nullable: true, description: 'Column (JSON key) holding the label. Default: label, else intent.' })
  labelColumn?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Column (JSON key) holding the split (train, validation or test). Default: split, when present. Rows ' +
      'without one get a deterministic split (seeded hash, 80/10/10, stratified per label).',
  })
  splitColumn?: string | null;
}

@InputType('ExampleFilter', { description: 'Which examples of a dataset to list.' })
export class ExampleFilterInput {
  @Field(() => Split, { nullable: true, description: 'Only this split.' })
  split?: Split | null;

  @Field(() => String, { nullable: true, description: 'Only this label.' })
  label?: string | null;
}
