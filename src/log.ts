export type Log = (line: string) => void;

/** One line per event on stderr, prefixed with the part of Headroom that speaks. */
export function createLog(component: string): Log {
  return (line) => process.stderr.write(`${new Date().toISOString()} ${component}: ${line}\n`);
}
