import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from './connection.js';

@ObjectType('LabelSet', {
  description:
    'An immutable, ordered list of labels: label i is row i of a classifier head. An extension (child) ' +
    'keeps every label of its parent at the same index and appends new ones.',
})
export class LabelSetObject {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field({ description: 'Name; an extension keeps its parent\'s unless given another.' })
  name: string;

  @Field(() => Int, { description: '1 for a label set created from a list, parent\'s version + 1 for an extension.' })
  version: number;

  @Field({ description: 'When it was created.' })
  createdAt: Date;
}

@ObjectType('Label', { description: 'A label at its fixed index (head row) in a label set.' })
export class LabelObject {
  @Field(() => Int, { description: '0-based index: the row of the classifier head that scores this label.' })
  index: number;

  @Field({ description: 'The label as it appears in datasets.' })
  name: string;
}

export const LabelSetConnection = ConnectionType(LabelSetObject, 'LabelSet', 'label sets');
