import path from 'node:path';
import { DataSource } from 'typeorm';
import { ENTITIES } from '../entities/index.js';
import { SnakeNamingStrategy } from './snake-naming-strategy.js';

/** Compiled migrations live in dist/migrations, two folders up from this file (dist/src/db). */
const MIGRATIONS_GLOB = path.join(__dirname, '..', '..', 'migrations', '*.js');

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
    extra: { max: 10, application_name: 'headroom', statement_timeout: statementTimeoutMs },
  });
}
