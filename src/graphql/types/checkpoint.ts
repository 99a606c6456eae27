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

export const CheckpointConnection = ConnectionType(CheckpointObject, 'Checkpoint', 'checkpoints');
