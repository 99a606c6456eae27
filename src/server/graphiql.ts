import path from 'node:path';
import { type Router } from 'express';
import { packageRoot } from '../package-root.js';
import { builtPageRouter } from './built-page.js';

/** Where the IDE is mounted; ide/vite.config.mjs builds with the same base path. */
export const GRAPHIQL_PATH = '/graphiql';

/**
 * Serves the GraphiQL IDE that scripts/build-ide.ts builds into ide/dist: the page at /graphiql
 * and /graphiql/, its bundles under /graphiql/assets/. Mount with `app.use(graphiqlRouter())`.
 * Until the IDE is built, those URLs answer 503 with the command that fixes it.
 */
export function graphiqlRouter(distDir: string = path.join(packageRoot(), 'ide', 'dist')): Router {
  return builtPageRouter({ name: 'GraphiQL', pagePath: GRAPHIQL_PATH, assetsPath: `${GRAPHIQL_PATH}/assets`, distDir });
}
