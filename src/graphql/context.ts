import { ArtifactStore } from '../artifacts/artifact-store.js';
import { Principal } from '../auth/roles.js';
import { EventPubSub } from '../events/run-progress.js';
import { Services } from '../services/index.js';
import { createLoaders, Loaders } from './loaders.js';

/** What every resolver receives: the application's operations, this process's event bus, the artifact store, the caller, the operation's loaders. */
export interface GraphQLContext {
  services: Services;
  events: EventPubSub;
  artifacts: ArtifactStore;
  /** Who sent the request. */
  principal: Principal;
  /** This operation's batched reads. */
  loaders: Loaders;
}

/** The part of the context that every operation shares. */
export type SharedContext = Omit<GraphQLContext, 'principal' | 'loaders'>;

/** The context of one operation (an HTTP request, or one operation on a socket), with loaders of its own. */
export function operationContext(shared: SharedContext, principal: Principal): GraphQLContext {
  return { ...shared, principal, loaders: createLoaders(shared.services) };
}
