import { ArtifactStore } from '../artifacts/artifact-store.js';
import { Principal } from '../auth/roles.js';
import { EventPubSub } from '../events/run-progress.js';
import { Services } from '../services/index.js';
import { createLoaders, Loaders } from './loaders.js';

/** What every resolver receives: the application's operations, this process's event bus, the artifact store, the caller, where the caller reaches the server, the operation's loaders. */
export interface GraphQLContext {
  services: Services;
  events: EventPubSub;
  artifacts: ArtifactStore;
  /** Who sent the request. */
  principal: Principal;
  /** Where the caller reaches this server (src/server/base-url.ts): download URLs start with it. */
  baseUrl: string;
  /** This operation's batched reads. */
  loaders: Loaders;
}

/** The part of the context that every operation shares. */
export type SharedContext = Omit<GraphQLContext, 'principal' | 'baseUrl' | 'loaders'>;

/** The context of one operation (an HTTP request, or one operation on a socket), with loaders of its own. */
export function operationContext(shared: SharedContext, principal: Principal, baseUrl: string): GraphQLContext {
  return { ...shared, principal, baseUrl, loaders: createLoaders(shared.services) };
}
