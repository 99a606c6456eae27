import { EventPubSub } from '../events/run-progress.js';
import { Services } from '../services/index.js';

/** What every resolver receives: the application's operations and this process's event bus. */
export interface GraphQLContext {
  services: Services;
  events: EventPubSub;
}
