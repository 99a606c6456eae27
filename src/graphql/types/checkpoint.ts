import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, ObjectType } from 'type-graphql';
import { ConnectionType } from './connection.js';

@ObjectType('Checkpoint', {
  description: 'A trained classifier (encoder and head) bound to one label set, with its lineage.',
})
export class CheckpointObject {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field(() => GraphQLJSONObject, { description: 'Encoder settings: kind, dimensions and tokenizer, as the training engine describes them.' })
  encoder: Record<string, unknown>;

  @Field(() => Float, { description: 'Size of the checkpoint\'s files in bytes.' })
  sizeBytes: number;

  @Field({ description: 'When it was written.' })
  createdAt: Date;
}

@ObjectType('CheckpointFile', { description: 'A file of a checkpoint folder, downloadable over HTTP.' })
export class CheckpointFileObject {
  @Field({ description: 'File name: model.json or a weight shard.' })
  name: string;

  @Field(() => Float, { description: 'Size in bytes.' })
  sizeBytes: number;

  @Field({ description: 'Path on this server to GET it, e.g. /checkpoints/<id>/files/model.json.' })
  url: string;
}

export const CheckpointConnection = ConnectionType(CheckpointObject, 'Checkpoint', 'checkpoints');
