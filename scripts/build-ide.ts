import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../src/package-root.js';

/** Written into ide/dist after a complete build: its age is the age of the build. */
const STAMP_NAME = '.build-stamp';

/**
 * Builds the GraphiQL IDE (ide/) into ide/dist with vite, unless the last complete build is newer
 * than every source in ide/ and than package-lock.json (a GraphiQL upgrade must rebuild too).
 * Cheap when fresh, so `npm run build` and `npm start` can call it every time.
 */
export async function buildIde(options: { force?: boolean } = {}): Promise<'built' | 'up to date'> {
  const root = packageRoot();
  const ideDir = path.join(root, 'ide');
  const distDir = path.join(ideDir, 'dist');
  const stamp = path.join(distDir, STAMP_NAME);
  const inputs = [ideDir, path.join(root, 'package-lock.json')];
  if (!options.force && isBuildFresh(stamp, inputs, [distDir])) return 'up to date';

  // vite is ESM-only; a dynamic import loads it from this CommonJS module.
  const { build } = await import('vite');
  await build({ configFile: path.join(ideDir, 'vite.config.mjs') });
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
  const started = performance.now();
  buildIde({ force: process.argv.includes('--force') }).then(
    (result) => {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(result === 'built' ? `GraphiQL: built ide/dist in ${seconds} s` : 'GraphiQL: ide/dist is up to date');
    },
    (error: unknown) => {
      console.error('GraphiQL build failed:', error);
      process.exitCode = 1;
    },
  );
}
