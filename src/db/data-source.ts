import path from 'node:path';
import { DataSource } from 'typeorm';
import { ENTITIES } from '../entities/index.js';
import { SnakeNamingStrategy } from './snake-naming-strategy.js';

/** Compiled migrations live in dist/migrations, two folders up from this file (dist/src/db). */
const MIGRATIONS_GLOB = path.join(__dirname, '..', '..', 'migrations', '*.js');

/** Connections each process holds at most; a transaction never asks for a second one while it holds one. */
export const POOL_SIZE = 10;

/**
 * `statementTimeoutMs` bounds every statement, so a request that the API gave up on (its timeout)
 * cannot keep the database busy.
 */
export function createDataSource(url: string, statementTimeoutMs = 0): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    uuidExtension: 'pgcrypto',
    extra: { max: POOL_SIZE, application_name: 'headroom', statement_timeout: statementTimeoutMs },
  });
}
