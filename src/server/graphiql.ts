import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { packageRoot } from '../package-root.js';

/** Where the IDE is mounted; ide/vite.config.mjs builds with the same base path. */
export const GRAPHIQL_PATH = '/graphiql';

/**
 * Serves the GraphiQL IDE that scripts/build-ide.ts builds into ide/dist: the page at /graphiql
 * and /graphiql/, its bundles under /graphiql/assets/. Mount with `app.use(graphiqlRouter())`.
 * Until the IDE is built, every /graphiql URL answers 503 with the command that fixes it.
 */
export function graphiqlRouter(distDir: string = path.join(packageRoot(), 'ide', 'dist')): Router {
  const indexHtml = path.join(distDir, 'index.html');
  const router = express.Router();

  // Checked per request, so building while the server runs needs no restart.
  router.use(GRAPHIQL_PATH, (_req, res, next) => {
    if (fs.existsSync(indexHtml)) return next();
    res
      .status(503)
      .type('text/plain')
      .send(`GraphiQL is not built: ${indexHtml} is missing. Run \`npm run build\`, then reload this page.\n`);
  });

  // Asset names carry a content hash, so a cached copy never goes stale.
  router.use(
    `${GRAPHIQL_PATH}/assets`,
    express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '1y', index: false, redirect: false }),
  );

  // Non-strict routing: this also answers /graphiql/ (with or without a query string).
  router.get(GRAPHIQL_PATH, (_req, res) => {
    // Revalidated each time, so a rebuilt IDE shows up on the next reload.
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexHtml);
  });
  return router;
}
