import { Services } from '../services/index.js';

/** What every resolver receives: the application's operations. Built once per request or socket. */
export interface GraphQLContext {
  services: Services;
}
