import { EntityManager } from 'typeorm';

/** What a plan runs on: a transaction's manager, or the data source for a statement of its own. */
export type Queryable = Pick<EntityManager, 'query'>;
