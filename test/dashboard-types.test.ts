import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { GENERATED_FILE, generateDashboardTypes } from '../scripts/codegen.js';
import { packageRoot } from '../src/package-root.js';

test('the dashboard\'s generated types are what codegen makes of schema.graphql and dashboard/operations (run `npm run codegen`)', async () => {
  const committed = fs.readFileSync(GENERATED_FILE, 'utf8');
  assert.equal(committed, await generateDashboardTypes(), `${path.relative(packageRoot(), GENERATED_FILE)} is stale: run \`npm run codegen\` and commit it`);
});

test('the dashboard type-checks against the generated types', async () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = await promisify(execFile)(process.execPath, [tsc, '-p', path.join(packageRoot(), 'dashboard', 'tsconfig.json')]).catch(
    (error: { stdout: string; code: number }) => ({ stdout: error.stdout, code: error.code }),
  );
  assert.equal('code' in result ? result.code : 0, 0, `tsc -p dashboard found errors:\n${result.stdout}`);
});
