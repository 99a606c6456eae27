import { parseArgs } from 'node:util';
import { ApiKeyService } from '../auth/api-keys.js';
import { Role } from '../auth/roles.js';
import { readConfig } from '../config.js';
import { openDatabaseForCommand } from '../db/database.js';
import { createLog } from '../log.js';
import { reportCommandErrors } from './server-client.js';

const USAGE = `Usage:
  headroom keys create --role viewer|researcher|admin --name <name>   prints the new key, once
  headroom keys list                                                  every key, without secrets
  headroom keys revoke <id or prefix>

Keys are sent as Authorization: Bearer <key> (graphql-ws: in connection_init). Servers require
them when HEADROOM_REQUIRE_API_KEYS=1, which is needed to listen on anything but loopback.`;

export async function keysCommand(args: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { role: { type: 'string' }, name: { type: 'string' } } });
  const [action, target] = positionals;
  const role = values.role?.toUpperCase() as Role | undefined;
  const valid = (action === 'create' && role && Object.values(Role).includes(role) && values.name) || action === 'list' || (action === 'revoke' && target);
  if (!valid) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const database = await openDatabaseForCommand(readConfig(), createLog('keys'));
  await reportCommandErrors(async () => {
    const keys = new ApiKeyService(database.dataSource);
    if (action === 'create') {
      const { key, apiKey } = await keys.create({ name: values.name!, role: role! });
      console.log(`Created ${apiKey.role} key "${apiKey.name}" (prefix ${apiKey.prefix}). It is shown this once; store it now:\n\n${key}\n`);
    } else if (action === 'list') {
      for (const apiKey of await keys.list()) {
        const state = apiKey.revokedAt ? `revoked ${apiKey.revokedAt.toISOString()}` : `last used ${apiKey.lastUsedAt?.toISOString() ?? 'never'}`;
        console.log(`${apiKey.prefix}  ${apiKey.role.padEnd(10)}  ${apiKey.name}  (created ${apiKey.createdAt.toISOString()}, ${state})`);
      }
    } else {
      const apiKey = await keys.revoke(target);
      console.log(`Revoked ${apiKey.prefix} (${apiKey.name})`);
    }
  }, { 'input.name': '--name', 'input.role': '--role', id: '<id or prefix>' }).finally(() => database.close());
}
