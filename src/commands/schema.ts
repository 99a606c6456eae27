import fs from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { createEventPubSub } from '../events/run-progress.js';
import { buildHeadroomSchema } from '../graphql/schema.js';
import { packageRoot } from '../package-root.js';

export const SCHEMA_FILE = path.join(packageRoot(), 'schema.graphql');

/** The SDL of the API, sorted so that a diff of schema.graphql shows only real contract changes. */
export async function printHeadroomSchema(): Promise<string> {
  const schema = await buildHeadroomSchema(createEventPubSub());
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

/** `headroom schema [--check]`: writes schema.graphql, or fails when it differs from the code. */
export async function schemaCommand(args: string[]): Promise<void> {
  const current = await printHeadroomSchema();
  if (args.includes('--check')) {
    const committed = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
    if (committed !== current) {
      console.error('schema.graphql is stale: run `npm run schema` and commit the result');
      process.exitCode = 1;
    }
    return;
  }
  fs.writeFileSync(SCHEMA_FILE, current);
  console.log(`wrote ${SCHEMA_FILE}`);
}
