import pg from 'pg';
import { Log } from '../log.js';

const MAX_BACKOFF_MS = 5_000;

/**
 * Holds one LISTEN connection and hands each notification to the handler of its channel. When
 * PostgreSQL goes away (restart, network), it reconnects with backoff instead of taking the
 * process down; notifications sent while it was disconnected are lost, which is why every
 * consumer also has a way to catch up (clients re-read a run's epochs, workers poll for
 * cancellation with their heartbeat).
 */
export class NotificationListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly handlers: Record<string, (payload: string) => void>,
    private readonly log: Log,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'headroom-listener' });
    client.on('error', (error) => this.reconnect(client, error));
    client.on('end', () => this.reconnect(client, new Error('connection closed')));
    client.on('notification', ({ channel, payload }) => {
      if (payload !== undefined) this.handlers[channel]?.(payload);
    });
    await client.connect();
    for (const channel of Object.keys(this.handlers)) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    this.client = client;
  }

  private reconnect(client: pg.Client, error: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    this.log(`lost the PostgreSQL LISTEN connection (${error.message}); reconnecting`);
    const tryAgain = (attempt: number) => {
      this.retry = setTimeout(() => {
        if (this.stopped) return;
        this.connect().then(
          () => this.log('LISTEN connection restored'),
          () => tryAgain(attempt + 1),
        );
      }, Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt));
    };
    tryAgain(0);
  }
}
