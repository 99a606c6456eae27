import path from 'node:path';
import { type Router } from 'express';
import { packageRoot } from '../package-root.js';
import { builtPageRouter } from './built-page.js';

/** Where the dashboard is mounted; dashboard/vite.config.mjs builds with the same base path. */
export const DASHBOARD_PATH = '/';

/**
 * The page may load and connect only to this server: the bundles are local, the API and its
 * WebSocket are same-origin, charts draw on canvases, CSV exports are blobs. A script injected
 * through data shown on the page could not send it anywhere, and no other site can frame it.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the dashboard that scripts/build-ide.ts builds into dashboard/dist: the page at `/`,
 * its bundles under /assets/. Its pages are hash routes (`/#/experiments/<id>`), so `/` is the
 * only page URL. Until it is built, those URLs answer 503 with the command that fixes it.
 */
export function dashboardRouter(distDir: string = path.join(packageRoot(), 'dashboard', 'dist')): Router {
  return builtPageRouter({
    name: 'The dashboard',
    pagePath: DASHBOARD_PATH,
    assetsPath: '/assets',
    distDir,
    headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
  });
}
