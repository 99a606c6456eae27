import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Headroom, startHeadroom } from '../../src/app.js';
import { readConfig } from '../../src/config.js';
import { graphiqlRouter } from '../../src/server/graphiql.js';
import { createTestDatabase } from './database.js';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

export interface TestServer {
  headroom: Headroom;
  url: string;
  graphqlUrl: string;
  wsUrl: string;
  /** POSTs an operation over real HTTP. */
  graphql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like graphql(), but fails the test on any error and returns data. */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** A plain SQL query against the server's database, for checking what was (not) written. */
  sql<T = Record<string, any>>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/**
 * The real Headroom API on a free loopback port, with its own fresh database and home folder.
 * No training threads unless asked for: most API tests train nothing.
 */
export async function startTestServer(options: { workers?: number; heartbeatSeconds?: number } = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-home-'));
  const config = {
    ...readConfig({}),
    port: 0,
    host: '127.0.0.1',
    databaseUrl: database.url,
    home,
    tfjsBackend: 'wasm',
    workers: options.workers ?? 0,
    heartbeatSeconds: options.heartbeatSeconds ?? 0.5,
  };
  const headroom = await startHeadroom(config, () => undefined, (app) => app.use(graphiqlRouter()));
  const graphqlUrl = `${headroom.url}/graphql`;
  const graphql = async <T>(query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };
  return {
    headroom,
    url: headroom.url,
    graphqlUrl,
    wsUrl: graphqlUrl.replace(/^http/, 'ws'),
    graphql,
    async ok<T>(query: string, variables?: Record<string, unknown>) {
      const result = await graphql<T>(query, variables);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
      return result.data as T;
    },
    sql: (text, params) => headroom.database.dataSource.query(text, params),
    async stop() {
      await headroom.close();
      await database.drop();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
