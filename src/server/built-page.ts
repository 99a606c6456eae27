import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

export interface BuiltPage {
  /** Named in the answer while it is not built, e.g. "GraphiQL". */
  name: string;
  /** Where its index.html is served. */
  pagePath: string;
  /** Where its hashed bundles are served (vite's base + assetsDir). */
  assetsPath: string;
  /** vite's output folder: index.html and assets/. */
  distDir: string;
  /** Extra headers of the page itself (a Content-Security-Policy). */
  headers?: Record<string, string>;
}

/**
 * Serves a page that vite built (scripts/build-ide.ts): index.html at `pagePath`, its bundles
 * under `assetsPath`. Until it is built, both answer 503 with the command that fixes it.
 */
export function builtPageRouter(page: BuiltPage): Router {
  const indexHtml = path.join(page.distDir, 'index.html');
  const router = express.Router();

  // Checked per request, so building while the server runs needs no restart.
  const whenBuilt: express.RequestHandler = (_req, res, next) => {
    if (fs.existsSync(indexHtml)) return next();
    res
      .status(503)
      .type('text/plain')
      .send(`${page.name} is not built: ${indexHtml} is missing. Run \`npm run build\`, then reload this page.\n`);
  };

  // Asset names carry a content hash, so a cached copy never goes stale.
  router.use(
    page.assetsPath,
    whenBuilt,
    express.static(path.join(page.distDir, 'assets'), { immutable: true, maxAge: '1y', index: false, redirect: false }),
  );

  // Non-strict routing: a page at /x also answers /x/ (with or without a query string).
  router.get(page.pagePath, whenBuilt, (_req, res) => {
    // Revalidated each time, so a rebuilt page shows up on the next reload.
    res.setHeader('Cache-Control', 'no-cache');
    for (const [name, value] of Object.entries(page.headers ?? {})) res.setHeader(name, value);
    res.sendFile(indexHtml);
  });
  return router;
}
