import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from 'type-graphql';
import { Role } from '../../auth/roles.js';
import { GraphQLContext } from '../context.js';
import { ApiKeyObject, CreatedApiKeyObject } from '../types/api-key.js';
import { DatasetObject } from '../types/dataset.js';
import { ExperimentObject } from '../types/experiment.js';

@InputType('CreateApiKeyInput', { description: 'A new API key.' })
class CreateApiKeyInput {
  @Field({ description: 'Who or what it is for.' })
  name: string;

  @Field(() => Role, { description: 'What it may do.' })
  role: Role;
}

@Resolver()
export class AdminResolver {
  @Authorized(Role.ADMIN)
  @Query(() => [ApiKeyObject], { description: 'Every API key, revoked ones included, oldest first.' })
  apiKeys(@Ctx() { services }: GraphQLContext) {
    return services.apiKeys.list();
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => CreatedApiKeyObject, { description: 'Creates an API key; the answer holds its secret, shown this once.' })
  createApiKey(@Arg('input', { description: 'Name and role.' }) input: CreateApiKeyInput, @Ctx() { services }: GraphQLContext) {
    return services.apiKeys.create(input);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ApiKeyObject, { description: 'Revokes an API key by id or prefix; requests with it fail from then on.' })
  revokeApiKey(@Arg('id', () => ID, { description: 'The key\'s id or prefix.' }) id: string, @Ctx() { services }: GraphQLContext) {
    return services.apiKeys.revoke(id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => DatasetObject, { description: 'Deletes a dataset and its examples; CONFLICT while an experiment or run uses it.' })
  deleteDataset(@Arg('id', () => ID, { description: 'The dataset.' }) id: string, @Ctx() { services }: GraphQLContext) {
    return services.deletions.deleteDataset(id);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ExperimentObject, {
    description:
      'Deletes an experiment, its runs and epochs, and the checkpoints they wrote that nothing else builds on; CONFLICT while runs are queued or running.',
  })
  deleteExperiment(@Arg('id', () => ID, { description: 'The experiment.' }) id: string, @Ctx() { services }: GraphQLContext) {
    return services.deletions.deleteExperiment(id);
  }
}
