import pg from 'pg';
import { EventPubSub, RUN_PROGRESS_CHANNEL, RUN_PROGRESS_TOPIC, RunProgressEvent } from './run-progress.js';

const MAX_BACKOFF_MS = 5_000;

/**
 * Holds one LISTEN connection and republishes run progress notifications to this process's
 * subscribers. When PostgreSQL goes away (restart, network), it reconnects with backoff instead of
 * taking the API down; events sent while disconnected are lost, which is why clients can always
 * re-read a run's epochs with a query.
 */
export class NotificationListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly pubSub: EventPubSub,
    private readonly log: (line: string) => void,
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
    client.on('notification', (message) => {
      if (message.channel !== RUN_PROGRESS_CHANNEL || !message.payload) return;
      this.pubSub.publish(RUN_PROGRESS_TOPIC, JSON.parse(message.payload) as RunProgressEvent);
    });
    await client.connect();
    await client.query(`LISTEN ${RUN_PROGRESS_CHANNEL}`);
    this.client = client;
  }

  private reconnect(client: pg.Client, error: Error, attempt = 0): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    this.log(`lost the PostgreSQL LISTEN connection (${error.message}); reconnecting`);
    const tryAgain = (n: number) => {
      this.retry = setTimeout(() => {
        if (this.stopped) return;
        this.connect().then(
          () => this.log('LISTEN connection restored'),
          () => tryAgain(n + 1),
        );
      }, Math.min(MAX_BACKOFF_MS, 100 * 2 ** n));
    };
    tryAgain(attempt);
  }
}
