import 'reflect-metadata';
import { benchCommand } from './commands/bench.js';
import { exportFeaturesCommand } from './commands/export-features.js';
import { exportModelCommand } from './commands/export-model.js';
import { importCommand } from './commands/import.js';
import { importModelCommand } from './commands/import-model.js';
import { keysCommand } from './commands/keys.js';
import { migrate } from './commands/migrate.js';
import { schemaCommand } from './commands/schema.js';
import { serve } from './commands/serve.js';
import { worker } from './commands/worker.js';

const USAGE = `Usage: headroom <command>

Commands:
  serve             the dashboard at /, the GraphQL API at /graphql, the GraphiQL IDE at /graphiql,
                    and training workers
  worker            a training-only process (any number, on any machine sharing the database)
  migrate           apply database migrations and exit
  keys <action>     create, list and revoke API keys (headroom keys --help)
  import <file>     send a CSV or JSONL dataset to a running server (headroom import --help)
  import-model <folder> --name <name>
                    send a Hugging Face BERT classifier folder to a running server
  export-model <checkpointId> <folder>
                    write a BERT checkpoint as a Hugging Face folder (from_pretrained loads it)
  schema [--check]  write schema.graphql from the code (--check: fail if it is stale)
  bench <scenario>  benchmarks on a CSV (headroom bench --help)
  export-features   a scenario's features for the PyTorch reference (headroom export-features --help)
  help              this text

Configuration is read from the environment; README.md lists every variable.`;

const commands: Record<string, (args: string[]) => Promise<void>> = {
  serve: () => serve(),
  worker: () => worker(),
  migrate: () => migrate(),
  keys: (args) => keysCommand(args),
  import: (args) => importCommand(args),
  'import-model': (args) => importModelCommand(args),
  'export-model': (args) => exportModelCommand(args),
  schema: (args) => schemaCommand(args),
  bench: (args) => benchCommand(args),
  'export-features': (args) => exportFeaturesCommand(args),
};

async function main(argv: string[]): Promise<void> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  await command(args);
}

// A command's refusal is a sentence for the user; the stack is for whoever debugs Headroom.
main(process.argv.slice(2)).catch((error: Error) => {
  console.error(process.env.HEADROOM_DEBUG ? (error.stack ?? error.message) : `${error.message} (HEADROOM_DEBUG=1 shows where it came from)`);
  process.exit(1);
});
