import { Log } from '../log.js';
import { RunLifecycle } from './run-lifecycle.js';

/** A run whose worker has missed this many heartbeats is presumed dead. */
export const MISSED_HEARTBEATS = 5;

/**
 * Every Headroom process (API or worker) sweeps for runs whose worker died, so a run is never
 * left RUNNING forever, whichever processes survive.
 */
export class Supervisor {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    private readonly lifecycle: RunLifecycle,
    private readonly heartbeatSeconds: number,
    private readonly log: Log,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.sweeping = this.sweep();
    }, this.heartbeatSeconds * 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
  }

  private async sweep(): Promise<void> {
    try {
      const stale = await this.lifecycle.reclaimStale(this.heartbeatSeconds * MISSED_HEARTBEATS);
      for (const run of stale) this.log(`run ${run.id}: its worker stopped responding; now ${run.status}`);
    } catch (error) {
      this.log(`supervisor sweep failed: ${(error as Error).message}`);
    }
  }
}
