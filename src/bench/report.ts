import { bootstrapIntervals, decodeOutcomes, Interval, IntervalMetric, INTERVAL_METRICS, mean, OutcomeRun, spread, StoredRunOutcomes } from '../training/index.js';

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
  /** Per example of the test and validation splits, what the final model did (bitsets, base64): intervals and recommendations come from these. */
  outcomes: StoredRunOutcomes;
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

export interface MetricSummary {
  mean: number;
  /** statistics.spread: null with a single run. */
  std: number | null;
  n: number;
  /** 95% bootstrap interval of the mean (runs, then test examples within each), for the metrics that have one. */
  interval?: Interval | null;
}

export type Summary = Record<string, Partial<Record<SummaryMetric, MetricSummary>>>;

/**
 * The unit a benchmark resamples and pairs by: one run of a strategy, identified by what it added
 * and its seed (S1 adds a different intent to a different base model in each).
 */
export function runUnit(record: RunRecord): string {
  return `${record.newLabels.join('+')}#${record.seed}`;
}

/** A strategy's runs as bootstrap input, on one split. */
export function outcomeRuns(records: readonly RunRecord[], split: 'test' | 'validation'): OutcomeRun[] {
  return records.map((record) => ({ unit: runUnit(record), outcomes: decodeOutcomes(record.outcomes)[split] }));
}

/** Mean, spread and (for old, new accuracy and forgetting) the 95% test interval of each metric, per strategy, over all its runs. */
export function summarise(records: RunRecord[]): Summary {
  const summary: Summary = {};
  for (const strategy of [...new Set(records.map((record) => record.strategy))]) {
    const runs = records.filter((record) => record.strategy === strategy);
    const intervals = bootstrapIntervals(outcomeRuns(runs, 'test'));
    summary[strategy] = {};
    for (const metric of SUMMARY_METRICS) {
      const values = runs.map((run) => run[metric]).filter((value): value is number => typeof value === 'number');
      if (values.length === 0) continue;
      const interval = (INTERVAL_METRICS as readonly string[]).includes(metric) ? { interval: intervals[metric as IntervalMetric] } : {};
      summary[strategy][metric] = { mean: mean(values)!, std: spread(values), n: values.length, ...interval };
    }
  }
  return summary;
}

/** The summary as a fixed-width table, one row per strategy, in the order given: mean ± spread [95% interval]. */
export function summaryTable(summary: Summary, metrics: readonly SummaryMetric[]): string {
  const header = ['strategy', ...metrics];
  const rows = Object.entries(summary).map(([strategy, values]) => [
    strategy,
    ...metrics.map((metric) => {
      const value = values[metric];
      if (!value) return '-';
      const digits = metric === 'seconds' ? 2 : 3;
      const spreadText = value.std === null ? '' : ` ± ${value.std.toFixed(digits)}`;
      const intervalText = value.interval ? ` [${value.interval.low.toFixed(digits)}, ${value.interval.high.toFixed(digits)}]` : '';
      return `${value.mean.toFixed(digits)}${spreadText}${intervalText}`;
    }),
  ]);
  return fixedWidth([header, ...rows]);
}

/** Rows as columns padded to their widest cell, a rule under the first row. */
export function fixedWidth(rows: string[][]): string {
  const [header, ...body] = rows;
  const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
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
