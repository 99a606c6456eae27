import express from 'express';
import { Config } from './config.js';
import { Database, openDatabase } from './db/database.js';
import { NotificationListener } from './events/notification-listener.js';
import { createEventPubSub } from './events/run-progress.js';
import { buildHeadroomSchema } from './graphql/schema.js';
import { Log } from './log.js';
import { HttpServer, startHttpServer } from './server/http-server.js';
import { createServices, Services } from './services/index.js';

/** A running Headroom API: database, event listener and HTTP/WebSocket server, stopped in reverse order. */
export interface Headroom {
  url: string;
  services: Services;
  database: Database;
  close(): Promise<void>;
}

export async function startHeadroom(config: Config, log: Log, extraRoutes?: (app: express.Express) => void): Promise<Headroom> {
  const database = await openDatabase(config, log);
  const stack: Array<() => Promise<void>> = [() => database.close()];
  const close = async () => {
    for (const stop of stack.reverse()) await stop();
  };
  try {
    const services = createServices(database.dataSource);
    const pubSub = createEventPubSub();
    const listener = new NotificationListener(database.url, pubSub, log);
    await listener.start();
    stack.push(() => listener.stop());
    const schema = await buildHeadroomSchema(pubSub);
    const server: HttpServer = await startHttpServer({ schema, context: { services, events: pubSub }, host: config.host, port: config.port, log, extraRoutes });
    stack.push(() => server.close());
    return { url: server.url, services, database, close };
  } catch (error) {
    await close();
    throw error;
  }
}
