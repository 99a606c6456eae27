import { Log } from '../log.js';
import { RunLifecycle } from './run-lifecycle.js';

/** A run whose worker has missed this many heartbeats is presumed dead. */
export const MISSED_HEARTBEATS = 5;

/**
 * Every Headroom process (API or worker) sweeps for runs whose worker died, so a run is never
 * left RUNNING forever, whichever processes survive. Within a process one sweep runs at a time:
 * the next starts a heartbeat after the last one ended, so a slow sweep (a busy database) does not
 * pile up more of itself, each holding a connection. Across processes, sweeps may overlap: each
 * stale run is locked by the sweep that takes it, and the others skip it (SKIP LOCKED).
 */
export class Supervisor {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly lifecycle: RunLifecycle,
    private readonly heartbeatSeconds: number,
    private readonly log: Log,
  ) {}

  start(): void {
    this.timer = setTimeout(() => {
      this.sweeping = this.sweep().then(() => {
        if (!this.stopped) this.start();
      });
    }, this.heartbeatSeconds * 1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
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
