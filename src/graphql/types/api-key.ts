import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../../auth/roles.js';

registerEnumType(Role, {
  name: 'Role',
  description: 'What an API key may do; each role includes the ones before it.',
  valuesConfig: {
    VIEWER: { description: 'Read everything and subscribe to progress.' },
    RESEARCHER: { description: 'Also import datasets, create label sets and experiments, launch and cancel runs.' },
    ADMIN: { description: 'Also manage API keys and delete datasets and experiments.' },
  },
});

@ObjectType('ApiKey', { description: 'An API key; its secret is shown only once, when it is created.' })
export class ApiKeyObject {
  @Field(() => ID, { description: 'Stable identifier.' })
  id: string;

  @Field({ description: 'Who or what it is for.' })
  name: string;

  @Field(() => Role, { description: 'What it may do.' })
  role: Role;

  @Field({ description: 'Public part of the key (hr_<prefix>_...), to tell keys apart and to revoke by.' })
  prefix: string;

  @Field({ description: 'When it was created.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it was last used (to the minute); null if never.' })
  lastUsedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was revoked; null while valid.' })
  revokedAt: Date | null;
}

@ObjectType('CreatedApiKey', { description: 'A new API key and its secret.' })
export class CreatedApiKeyObject {
  @Field({ description: 'The key to send as Authorization: Bearer <key>. Store it now: it is not shown again.' })
  key: string;

  @Field(() => ApiKeyObject, { description: 'The key\'s record.' })
  apiKey: ApiKeyObject;
}
