import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionType } from './connection.js';

export enum EncoderKind {
  EMBEDDING_BAG = 'EMBEDDING_BAG',
  BERT = 'BERT',
}

registerEnumType(EncoderKind, {
  name: 'EncoderKind',
  description: 'What turns a text into the features the head reads.',
  valuesConfig: {
    EMBEDDING_BAG: { description: 'Headroom\'s own: the mean of hashed word and character n-gram embeddings, trained from scratch.' },
    BERT: { description: 'A BERT encoder imported from a Hugging Face folder: the pooled [CLS] output.' },
  },
});

@ObjectType('EncoderArchitecture', { description: 'The shape of a checkpoint\'s encoder.' })
export class EncoderArchitectureObject {
  @Field(() => EncoderKind, { description: 'Which kind of encoder.' })
  kind: EncoderKind;

  @Field(() => Int, { description: 'Width of the features (BERT: hidden_size).' })
  hiddenSize: number;

  @Field(() => Int, { nullable: true, description: 'Transformer layers (BERT: num_hidden_layers); null for the embedding bag.' })
  layers: number | null;

  @Field(() => Int, { nullable: true, description: 'Attention heads per layer; null for the embedding bag.' })
  attentionHeads: number | null;

  @Field(() => Int, { nullable: true, description: 'Width of the feed-forward blocks; null for the embedding bag.' })
  intermediateSize: number | null;

  @Field(() => Int, { description: 'Rows of the token embedding table: the vocabulary (BERT: vocab_size) or the hash buckets.' })
  vocabularySize: number;

  @Field(() => Int, { nullable: true, description: 'Tokens per text, [CLS] and [SEP] included; longer texts are cut. Null for the embedding bag, which reads every token.' })
  maxLength: number | null;
}

@ObjectType('SourceFile', { description: 'A file a checkpoint was imported from.' })
export class SourceFileObject {
  @Field({ description: 'File name in the imported folder, e.g. model.safetensors.' })
  name: string;

  @Field(() => Float, { description: 'Size in bytes.' })
  sizeBytes: number;

  @Field({ description: 'SHA-256 of its bytes, lowercase hex.' })
  sha256: string;
}

@ObjectType('Checkpoint', {
  description: 'A trained classifier (encoder and head) bound to one label set, with its lineage.',
})
export class CheckpointObject {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => GraphQLJSONObject, { description: 'Encoder settings: kind, dimensions and tokenizer, as the training engine describes them.' })
  encoder: Record<string, unknown>;

  @Field(() => Float, {
    description: 'Bytes of the checkpoint\'s files (`files`): the complete model, whatever of it is shared on disk with other checkpoints. ' +
      'What it takes on disk beyond what it shares is unsharedBytes.',
  })
  sizeBytes: number;

  @Field(() => String, { nullable: true, description: 'The name it was imported under; null for a checkpoint a run wrote.' })
  name: string | null;

  @Field({ description: 'When it was written.' })
  createdAt: Date;
}

/** How every download URL of the API is built; said once so the schema's descriptions cannot disagree. */
export const DOWNLOAD_URL_RULE =
  'Download URLs are absolute: they start with HEADROOM_PUBLIC_URL when the server has one, else with http:// and the Host the request was sent to.';

@ObjectType('CheckpointFile', { description: 'A file of a checkpoint folder, downloadable over HTTP.' })
export class CheckpointFileObject {
  @Field({ description: 'File name: model.json or a weight shard (tfjs), or a file of a Hugging Face folder.' })
  name: string;

  @Field(() => Float, { description: 'Size in bytes.' })
  sizeBytes: number;

  @Field({ description: `Absolute URL to GET it, e.g. http://127.0.0.1:4000/checkpoints/<id>/files/model.json. ${DOWNLOAD_URL_RULE}` })
  url: string;
}

export const CheckpointConnection = ConnectionType(CheckpointObject, 'Checkpoint', 'checkpoints');
