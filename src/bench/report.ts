/** One expansion run of a benchmark, as the JSON output lists it. */
export interface RunRecord {
  scenario: string;
  dataset: string;
  strategy: string;
  seed: number;
  newLabels: string[];
  oldAccuracy: number | null;
  newAccuracy: number | null;
  overallAccuracy: number | null;
  forgetting: number | null;
  intrusion: number | null;
  /** Wall-clock seconds of the run, features included. */
  seconds: number;
  /** Seconds in optimisation steps only. */
  trainSeconds: number;
  backend: string;
  /** S3 only: accuracy on all labels seen so far after each step, the final one, and their mean. */
  steps?: Array<{ step: number; labels: number; accuracy: number }>;
  finalAccuracy?: number;
  averageIncrementalAccuracy?: number;
}

export const SUMMARY_METRICS = [
  'oldAccuracy',
  'newAccuracy',
  'overallAccuracy',
  'forgetting',
  'intrusion',
  'seconds',
  'finalAccuracy',
  'averageIncrementalAccuracy',
] as const;
type SummaryMetric = (typeof SUMMARY_METRICS)[number];

export type Summary = Record<string, Partial<Record<SummaryMetric, { mean: number; std: number; n: number }>>>;

/** Mean and sample standard deviation of each metric, per strategy, over all its runs. */
export function summarise(records: RunRecord[]): Summary {
  const summary: Summary = {};
  for (const strategy of [...new Set(records.map((record) => record.strategy))]) {
    const runs = records.filter((record) => record.strategy === strategy);
    summary[strategy] = {};
    for (const metric of SUMMARY_METRICS) {
      const values = runs.map((run) => run[metric]).filter((value): value is number => typeof value === 'number');
      if (values.length === 0) continue;
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      const std = values.length < 2 ? 0 : Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
      summary[strategy][metric] = { mean, std, n: values.length };
    }
  }
  return summary;
}

/** The summary as a fixed-width table, one row per strategy, in the order given. */
export function summaryTable(summary: Summary, metrics: readonly SummaryMetric[]): string {
  const header = ['strategy', ...metrics];
  const rows = Object.entries(summary).map(([strategy, values]) => [
    strategy,
    ...metrics.map((metric) => {
      const value = values[metric];
      if (!value) return '-';
      const digits = metric === 'seconds' ? 2 : 3;
      return `${value.mean.toFixed(digits)} ± ${value.std.toFixed(digits)}`;
    }),
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ');
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal, one line per step otherwise (logs).
 */
export class Progress {
  private done = 0;
  private readonly started = performance.now();

  constructor(private readonly total: number) {}

  step(label: string): void {
    this.done++;
    const elapsed = (performance.now() - this.started) / 1000;
    const eta = (elapsed / this.done) * (this.total - this.done);
    const text = `${this.done}/${this.total} ${label} (${elapsed.toFixed(0)} s, about ${eta.toFixed(0)} s left)`;
    if (process.stderr.isTTY) {
      const width = 30;
      const filled = Math.round((this.done / this.total) * width);
      process.stderr.write(`\r[${'='.repeat(filled)}${' '.repeat(width - filled)}] ${text.slice(0, (process.stderr.columns ?? 120) - width - 4)}\x1b[K`);
      if (this.done === this.total) process.stderr.write('\n');
    } else {
      process.stderr.write(`${text}\n`);
    }
  }
}
