/** Tableau 10: distinct at a glance and for the common colour-vision deficiencies. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/**
 * What a run's strategy is called on charts and in tables: its variant (the preset, and in
 * brackets where its settings depart from it), so two settings of one preset stay apart.
 */
export function strategyOf(run: { preset: string | null; variant: string | null }): string {
  return run.variant ?? run.preset ?? 'BASE_TRAINING';
}

/** A colour per strategy of one page, in name order, so the leaderboard, chart and table agree. */
export function strategyColours(strategies: Iterable<string>): Map<string, string> {
  return new Map([...new Set(strategies)].sort().map((strategy, index) => [strategy, colourOfIndex(index)]));
}

/** A colour per position, for charts where each run is its own line. */
export function colourOfIndex(index: number): string {
  return PALETTE[index % PALETTE.length];
}
