import { ArtifactStore } from '../artifacts/artifact-store.js';
import { Principal } from '../auth/roles.js';
import { EventPubSub } from '../events/run-progress.js';
import { Services } from '../services/index.js';

/** What every resolver receives: the application's operations, this process's event bus, the artifact store, the caller. */
export interface GraphQLContext {
  services: Services;
  events: EventPubSub;
  artifacts: ArtifactStore;
  /** Who sent the request. */
  principal: Principal;
}
