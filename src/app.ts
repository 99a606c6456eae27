import express from 'express';
import { ArtifactStore } from './artifacts/artifact-store.js';
import { Config } from './config.js';
import { Database, openDatabase } from './db/database.js';
import { NotificationListener } from './events/notification-listener.js';
import { createEventPubSub, RUN_PROGRESS_CHANNEL, RUN_PROGRESS_TOPIC, RunProgressEvent } from './events/run-progress.js';
import { buildHeadroomSchema } from './graphql/schema.js';
import { JobQueue } from './jobs/job-queue.js';
import { RunLifecycle } from './jobs/run-lifecycle.js';
import { Supervisor } from './jobs/supervisor.js';
import { WorkerPool } from './jobs/worker-pool.js';
import { Log } from './log.js';
import { authenticator } from './server/authentication.js';
import { browserPolicy } from './server/browser-origins.js';
import { checkpointRoutes } from './server/checkpoint-routes.js';
import { dashboardRouter } from './server/dashboard.js';
import { modelRoutes } from './server/model-routes.js';
import { startHttpServer } from './server/http-server.js';
import { createServices, Services } from './services/index.js';
import { parseBackendChoice } from './training/index.js';

/** The parts every Headroom process shares: database, queue, services, run supervision. */
export interface Core {
  database: Database;
  queue: JobQueue;
  services: Services;
  artifacts: ArtifactStore;
  lifecycle: RunLifecycle;
  /** Stops what was started, last started first. */
  close(): Promise<void>;
  /** Registers something to stop in close(). */
  onClose(stop: () => Promise<void>): void;
}

export async function startCore(config: Config, log: Log): Promise<Core> {
  const database = await openDatabase(config, log);
  const stack: Array<() => Promise<void>> = [() => database.close()];
  const close = async () => {
    while (stack.length > 0) await stack.pop()!();
  };
  try {
    const queue = await JobQueue.start(database.url, log);
    stack.push(() => queue.stop());
    const artifacts = new ArtifactStore(config.home);
    const backend = parseBackendChoice(config.tfjsBackend);
    const services = createServices({ dataSource: database.dataSource, queue, artifacts, backend, limits: config.limits, log });
    const lifecycle = new RunLifecycle(database.dataSource, queue);
    const supervisor = new Supervisor(lifecycle, config.heartbeatSeconds, log);
    supervisor.start();
    stack.push(() => supervisor.stop());
    const core: Core = { database, queue, services, artifacts, lifecycle, close, onClose: (stop) => void stack.push(stop) };
    if (config.workers > 0) {
      const pool = await WorkerPool.start({
        dataSource: database.dataSource,
        databaseUrl: database.url,
        queue,
        lifecycle,
        services,
        artifacts,
        size: config.workers,
        backend,
        heartbeatSeconds: config.heartbeatSeconds,
        log,
      });
      stack.push(() => pool.stop());
    }
    return core;
  } catch (error) {
    await close();
    throw error;
  }
}

/** A running Headroom API: the core, live progress, and the HTTP/WebSocket server. */
export interface Headroom extends Core {
  url: string;
}

export async function startHeadroom(config: Config, log: Log, extraRoutes?: (app: express.Express) => void): Promise<Headroom> {
  if (!config.requireApiKeys && !isLoopback(config.host)) {
    throw new Error(
      `Refusing to listen on ${config.host} without API keys: anyone who can reach it could train and delete. ` +
        'Set HEADROOM_REQUIRE_API_KEYS=1 and create a key with `npx headroom keys create --role admin --name <you>`, or bind HOST=127.0.0.1.',
    );
  }
  const core = await startCore(config, log);
  try {
    const pubSub = createEventPubSub();
    const listener = new NotificationListener(
      core.database.url,
      { [RUN_PROGRESS_CHANNEL]: (payload) => pubSub.publish(RUN_PROGRESS_TOPIC, JSON.parse(payload) as RunProgressEvent) },
      log,
    );
    await listener.start();
    core.onClose(() => listener.stop());
    const schema = await buildHeadroomSchema(pubSub);
    const authenticate = authenticator(core.services.apiKeys, config.requireApiKeys);
    const server = await startHttpServer({
      schema,
      context: { services: core.services, events: pubSub, artifacts: core.artifacts },
      authenticate,
      browserPolicy: browserPolicy({ bindHost: config.host, publicUrl: config.publicUrl, corsOrigins: config.corsOrigins }),
      corsOrigins: config.corsOrigins,
      publicUrl: config.publicUrl,
      limits: config.limits,
      introspection: !config.production,
      host: config.host,
      port: config.port,
      log,
      routes: (app) => {
        app.use(checkpointRoutes(core.services, core.artifacts, authenticate));
        app.use(modelRoutes(core.services, core.artifacts, authenticate, config.limits.maxModelBytes));
        // The dashboard needs no introspection, so production serves it too.
        app.use(dashboardRouter());
        extraRoutes?.(app);
      },
    });
    core.onClose(() => server.close());
    return { ...core, url: server.url };
  } catch (error) {
    await core.close();
    throw error;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
