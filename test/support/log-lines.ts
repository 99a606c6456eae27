import { Log } from '../../src/log.js';

/** A server's log, kept line by line, that a test can wait on. */
export interface LogLines {
  log: Log;
  lines: string[];
  /** Resolves with the first line (logged already or later) matching `pattern`; fails after `timeoutMs`, saying what never came. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

export function logLines(): LogLines {
  const lines: string[] = [];
  const waiting = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  return {
    lines,
    log: (line) => {
      lines.push(line);
      for (const waiter of waiting) if (waiter.pattern.test(line)) waiter.resolve(line);
    },
    waitFor(pattern, timeoutMs = 30_000) {
      const logged = lines.find((line) => pattern.test(line));
      if (logged !== undefined) return Promise.resolve(logged);
      return new Promise((resolve, reject) => {
        const waiter = {
          pattern,
          resolve: (line: string) => {
            clearTimeout(timer);
            waiting.delete(waiter);
            resolve(line);
          },
        };
        const timer = setTimeout(() => {
          waiting.delete(waiter);
          reject(new Error(`no log line matched ${pattern} within ${timeoutMs} ms; the log has:\n${lines.join('\n')}`));
        }, timeoutMs);
        waiting.add(waiter);
      });
    },
  };
}
