import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Headroom, startHeadroom } from '../../src/app.js';
import { Config, readConfig } from '../../src/config.js';
import { Log } from '../../src/log.js';
import { graphiqlRouter } from '../../src/server/graphiql.js';
import { createTestDatabase, TestDatabase } from './database.js';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
}

export interface TestServerOptions {
  workers?: number;
  heartbeatSeconds?: number;
  /** Anything else of the configuration (keys, limits, production mode). */
  config?: Partial<Config>;
  /** Sent as Authorization with every request of graphql() and ok(). */
  apiKey?: string;
  /** Gets every line the server logs (silent without). */
  log?: Log;
  /** The database and home folder of a server stopped with stop({ keepData: true }): a restart. */
  reuse?: { database: TestDatabase; home: string };
}

export interface TestServer {
  headroom: Headroom;
  database: TestDatabase;
  /** HEADROOM_HOME: artifacts live here. */
  home: string;
  url: string;
  graphqlUrl: string;
  wsUrl: string;
  /** POSTs an operation over real HTTP. */
  graphql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Like graphql(), but fails the test on any error and returns data. */
  ok<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** A plain SQL query against the server's database, for checking what was (not) written. */
  sql<T = Record<string, any>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Stops the server; unless keepData, drops its database and home folder too. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/**
 * The real Headroom API on a free loopback port, with its own fresh database and home folder.
 * No training threads unless asked for: most API tests train nothing.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.reuse?.database ?? (await createTestDatabase());
  const home = options.reuse?.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-home-'));
  const config = {
    ...readConfig({}),
    port: 0,
    host: '127.0.0.1',
    databaseUrl: database.url,
    home,
    tfjsBackend: 'wasm',
    workers: options.workers ?? 0,
    heartbeatSeconds: options.heartbeatSeconds ?? 0.5,
    ...options.config,
  };
  const headroom = await startHeadroom(config, options.log ?? (() => undefined), config.production ? undefined : (app) => app.use(graphiqlRouter()));
  const graphqlUrl = `${headroom.url}/graphql`;
  const graphql = async <T>(query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };
  return {
    headroom,
    database,
    home,
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
    async stop({ keepData = false } = {}) {
      await headroom.close();
      if (keepData) return;
      await database.drop();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
