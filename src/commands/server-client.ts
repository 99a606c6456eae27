/**
 * How CLI commands talk to a running Headroom: where it is (--url, else HEADROOM_URL, else the
 * default address), the key to send (HEADROOM_API_KEY), and failures said in terms a user can act
 * on rather than as a fetch stack trace.
 */
export const DEFAULT_GRAPHQL_URL = 'http://127.0.0.1:4000/graphql';

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

export function serverClient(url: string | undefined): ServerClient {
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
      if (result.errors?.length) throw new CommandError(result.errors[0].message, result.errors[0].extensions);
      return result.data!;
    },
  };
}

/** Runs a command body; a CommandError becomes one line on stderr (with its code) and exit status 1. */
export async function reportCommandErrors(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    const extensions = Object.keys(error.extensions).length > 0 ? ` ${JSON.stringify(error.extensions)}` : '';
    console.error(`${error.message}${extensions}`);
    process.exitCode = 1;
  }
}
