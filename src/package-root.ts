import fs from 'node:fs';
import path from 'node:path';

/**
 * The folder holding Headroom's package.json. Found by walking up from this file rather than by a
 * fixed number of `..`, so it is the same whether this runs compiled (dist/src/) or from src/.
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (isHeadroomPackage(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no Headroom package.json above ${from}`);
  }
}

function isHeadroomPackage(file: string): boolean {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')).name === 'headroom';
  } catch {
    return false;
  }
}
