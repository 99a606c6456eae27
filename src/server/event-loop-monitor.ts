import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * How long this process's event loop was late, since start: what queries feel when something
 * (training on the main thread, a huge JSON body) blocks it. /health reports it.
 */
const RESOLUTION_MS = 5;

export type EventLoopMonitor = ReturnType<typeof startEventLoopMonitor>;

export function startEventLoopMonitor() {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  // The histogram records whole timer intervals: the lag is what exceeds the resolution.
  const ms = (nanoseconds: number) => Math.max(0, Math.round((nanoseconds / 1e6 - RESOLUTION_MS) * 100) / 100);
  return {
    snapshot: () => ({ p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max), samples: histogram.count }),
    reset: () => histogram.reset(),
    stop: () => histogram.disable(),
  };
}
