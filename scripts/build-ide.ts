import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/package-root.js';

/** Written into <folder>/dist after a complete build: its age is the age of the build. */
const STAMP_NAME = '.build-stamp';

/** The pages vite builds, each from its folder of the package into <folder>/dist. */
const PAGES = { ide: 'GraphiQL', dashboard: 'Dashboard' } as const;
type PageFolder = keyof typeof PAGES;

/**
 * Builds the GraphiQL IDE (ide/) into ide/dist with vite, unless the last complete build is newer
 * than every source in ide/, than the shared page config and than package-lock.json (a GraphiQL
 * upgrade must rebuild too).
 * Cheap when fresh, so `npm run build` and `npm start` can call it every time.
 */
export function buildIde(options: { force?: boolean } = {}): Promise<'built' | 'up to date'> {
  return buildPage('ide', options);
}

/** Builds the dashboard (dashboard/) into dashboard/dist, the same way and on the same terms as the IDE. */
export function buildDashboard(options: { force?: boolean } = {}): Promise<'built' | 'up to date'> {
  return buildPage('dashboard', options);
}

async function buildPage(folder: PageFolder, options: { force?: boolean }): Promise<'built' | 'up to date'> {
  const root = packageRoot();
  const pageDir = path.join(root, folder);
  const distDir = path.join(pageDir, 'dist');
  const stamp = path.join(distDir, STAMP_NAME);
  const inputs = [pageDir, path.join(root, 'scripts', 'vite-page-config.mjs'), path.join(root, 'package-lock.json')];
  if (!options.force && isBuildFresh(stamp, inputs, [distDir])) return 'up to date';

  // vite is ESM-only; a dynamic import loads it from this CommonJS module.
  const { build } = await import('vite');
  await build({ configFile: path.join(pageDir, 'vite.config.mjs') });
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return 'built';
}

/**
 * True when `stamp` exists and is newer than every file in `inputs` (files, or folders walked
 * recursively, except the folders in `skip` and any node_modules).
 */
export function isBuildFresh(stamp: string, inputs: string[], skip: string[] = []): boolean {
  let builtAt: number;
  try {
    builtAt = fs.statSync(stamp).mtimeMs;
  } catch {
    return false;
  }
  const skipped = new Set(skip.map((dir) => path.resolve(dir)));
  return inputs.every((input) => newestMtime(path.resolve(input), skipped) < builtAt);
}

function newestMtime(file: string, skipped: Set<string>): number {
  if (skipped.has(file)) return 0;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted source file shows only as its folder's new mtime
  for (const entry of fs.readdirSync(file)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, newestMtime(path.join(file, entry), skipped));
  }
  return newest;
}

if (require.main === module) {
  const force = process.argv.includes('--force');
  (async () => {
    for (const folder of Object.keys(PAGES) as PageFolder[]) {
      const started = performance.now();
      const result = await buildPage(folder, { force });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(result === 'built' ? `${PAGES[folder]}: built ${folder}/dist in ${seconds} s` : `${PAGES[folder]}: ${folder}/dist is up to date`);
    }
  })().catch((error: unknown) => {
    console.error('Build of the pages failed:', error);
    process.exitCode = 1;
  });
}
