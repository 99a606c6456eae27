import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * How long this process's event loop was late, since start: what queries feel when something
 * (training on the main thread, a huge JSON body) blocks it. /health reports it.
 */
export function startEventLoopMonitor() {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const ms = (nanoseconds: number) => Math.round(nanoseconds / 1e4) / 100;
  return {
    snapshot: () => ({ p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max), samples: histogram.count }),
    reset: () => histogram.reset(),
    stop: () => histogram.disable(),
  };
}
