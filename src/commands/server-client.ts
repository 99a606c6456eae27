import { HeadroomError } from '../services/errors.js';

/**
 * How CLI commands talk to a running Headroom: where it is (--url, else HEADROOM_URL, else the
 * default address), the key to send (HEADROOM_API_KEY), and failures said in terms a user can act
 * on rather than as a fetch stack trace.
 */
export const DEFAULT_GRAPHQL_URL = 'http://127.0.0.1:4000/graphql';

/**
 * A command's flags and arguments by the API field they set (`input.textColumn` -> `--text-column`),
 * so that its errors speak of what the user typed rather than of the GraphQL input it became.
 */
export type FlagNames = Readonly<Record<string, string>>;

export interface ServerClient {
  graphqlUrl: string;
  /** A path on the server (`/models`, `/checkpoints/...`) as an absolute URL. */
  resolve(path: string): string;
  fetch(url: string, init?: RequestInit): Promise<Response>;
  graphql<T>(query: string, variables: Record<string, unknown>): Promise<T>;
}

/** A failure the command reports as a message (and an error's code and extensions), exiting 1. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/**
 * An API error in the command's terms: a field it sets becomes its flag in extensions.field and in the
 * message. In the message, names no sentence uses are replaced anywhere (a path such as input.name,
 * or a camelCase name such as textColumn, bare too); `name` or `id` alone, which are also words, only
 * where the services' messages put the field they are about: first (`name is blank; give it a
 * name`) or after "check" (`... does not exist; check id`).
 */
export function inCommandTerms(error: { message: string; extensions?: Record<string, unknown> }, flags: FlagNames): CommandError {
  let message = error.message;
  for (const [field, flag] of Object.entries(flags)) {
    const unmistakable = new Set([field, lastSegment(field)].filter((name) => /[.A-Z]/.test(name)));
    for (const name of unmistakable) message = message.replace(new RegExp(`(?<![\\w.$])${escapeRegExp(name)}(?!\\w)`, 'g'), () => flag);
    message = message.replace(new RegExp(`^${escapeRegExp(field)}(?= )|(?<=check )${escapeRegExp(field)}(?!\\w)`, 'g'), () => flag);
  }
  const extensions = { ...error.extensions };
  if (typeof extensions.field === 'string' && flags[extensions.field]) extensions.field = flags[extensions.field];
  return new CommandError(message, extensions);
}

function lastSegment(field: string): string {
  return field.slice(field.lastIndexOf('.') + 1);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function serverClient(url: string | undefined, flags: FlagNames = {}): ServerClient {
  const graphqlUrl = url ?? process.env.HEADROOM_URL ?? DEFAULT_GRAPHQL_URL;
  const key = process.env.HEADROOM_API_KEY?.trim();
  const send = async (target: string, init: RequestInit = {}) => {
    try {
      return await fetch(target, { ...init, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...init.headers } });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CommandError(
        `could not reach Headroom at ${target} (${cause?.code ?? cause?.message ?? (error as Error).message}): start it with \`npm start\`, or point --url (or HEADROOM_URL) at the server's /graphql`,
      );
    }
  };
  return {
    graphqlUrl,
    resolve: (path) => new URL(path, graphqlUrl).href,
    fetch: send,
    async graphql<T>(query: string, variables: Record<string, unknown>) {
      const response = await send(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      const result = (await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
      if (result.errors?.length) throw inCommandTerms(result.errors[0], flags);
      return result.data!;
    },
  };
}

/**
 * Runs a command body; a CommandError, or a HeadroomError of a command that uses the services
 * directly, becomes one line on stderr (with its code, in the command's terms) and exit status 1.
 */
export async function reportCommandErrors(run: () => Promise<void>, flags: FlagNames = {}): Promise<void> {
  try {
    await run();
  } catch (caught) {
    const error =
      caught instanceof HeadroomError
        ? inCommandTerms({ message: caught.message, extensions: { code: caught.code, ...(caught.field ? { field: caught.field } : {}), ...caught.details } }, flags)
        : caught;
    if (!(error instanceof CommandError)) throw error;
    const extensions = Object.keys(error.extensions).length > 0 ? ` ${JSON.stringify(error.extensions)}` : '';
    console.error(`${error.message}${extensions}`);
    process.exitCode = 1;
  }
}
