/**
 * What a finished expansion did on each example of an evaluation split, kept so that intervals,
 * paired comparisons and recommendations can be computed later from the examples themselves
 * rather than from averages. Four bits an example, as bitsets: bit i of byte i >> 3, lowest first.
 */
export interface SplitOutcomes {
  examples: number;
  /** The example's true label is one the run added. */
  isNew: Uint8Array;
  /** The final model predicted its true label. */
  correct: Uint8Array;
  /** The final model predicted one of the added labels. */
  predictedNew: Uint8Array;
  /**
   * The base model, choosing among its own labels, predicted the true label: what forgetting is
   * measured against. Never set for an example of a new label, which the base model cannot know.
   */
  baseCorrect: Uint8Array;
}

/** Outcomes of a run's final model on both evaluation splits. */
export interface RunOutcomes {
  test: SplitOutcomes;
  validation: SplitOutcomes;
}

/** The metrics that outcomes determine, defined exactly as classificationMetrics and measure define them. */
export interface OutcomeMetrics {
  oldAccuracy: number | null;
  newAccuracy: number | null;
  overallAccuracy: number | null;
  forgetting: number | null;
  intrusion: number | null;
}

/** One example's four bits packed into 0..15, the unit the bootstrap counts. */
export const IS_NEW = 1;
export const CORRECT = 2;
export const PREDICTED_NEW = 4;
export const BASE_CORRECT = 8;

/** Outcomes from label indices: labels below `oldLabelCount` are the base model's. */
export function splitOutcomes(split: { labels: Int32Array; predicted: Int32Array; basePredicted: Int32Array }, oldLabelCount: number): SplitOutcomes {
  const { labels, predicted, basePredicted } = split;
  if (predicted.length !== labels.length || basePredicted.length !== labels.length) {
    throw new RangeError(`${labels.length} labels need as many predictions; got ${predicted.length} and ${basePredicted.length} from the base model`);
  }
  const codes = Uint8Array.from(labels, (label, i) => {
    const isNew = label >= oldLabelCount;
    return (
      (isNew ? IS_NEW : 0) |
      (predicted[i] === label ? CORRECT : 0) |
      (predicted[i] >= oldLabelCount ? PREDICTED_NEW : 0) |
      (!isNew && basePredicted[i] === label ? BASE_CORRECT : 0)
    );
  });
  return fromCodes(codes);
}

/** Each example's bits as one code (IS_NEW | CORRECT | PREDICTED_NEW | BASE_CORRECT). */
export function outcomeCodes(outcomes: SplitOutcomes): Uint8Array {
  const codes = new Uint8Array(outcomes.examples);
  const bits = [outcomes.isNew, outcomes.correct, outcomes.predictedNew, outcomes.baseCorrect];
  for (let i = 0; i < outcomes.examples; i++) {
    const byte = i >> 3;
    const mask = 1 << (i & 7);
    codes[i] = bits.reduce((code, set, b) => ((set[byte] & mask) !== 0 ? code | (1 << b) : code), 0);
  }
  return codes;
}

/** The inverse of outcomeCodes. */
export function fromCodes(codes: Uint8Array): SplitOutcomes {
  const bytes = Math.ceil(codes.length / 8);
  const bits = [new Uint8Array(bytes), new Uint8Array(bytes), new Uint8Array(bytes), new Uint8Array(bytes)];
  codes.forEach((code, i) => {
    for (let b = 0; b < 4; b++) if (code & (1 << b)) bits[b][i >> 3] |= 1 << (i & 7);
  });
  const [isNew, correct, predictedNew, baseCorrect] = bits;
  return { examples: codes.length, isNew, correct, predictedNew, baseCorrect };
}

/** How many examples have each code: what every outcome metric is a function of. */
export function codeCounts(codes: Uint8Array): Float64Array {
  const counts = new Float64Array(16);
  for (const code of codes) counts[code]++;
  return counts;
}

/**
 * The metrics of a split from its code counts. Old accuracy, new accuracy and intrusion are
 * classificationMetrics' (intrusion: old-label examples predicted as a new label, which can never
 * be correct), forgetting is measure's (the base model's old accuracy minus the run's, on the
 * same examples); each is null where it has nothing to measure.
 */
export function metricsFromCounts(counts: Float64Array): OutcomeMetrics {
  let examples = 0;
  let newExamples = 0;
  let oldCorrect = 0;
  let newCorrect = 0;
  let intrusions = 0;
  let baseOldCorrect = 0;
  for (let code = 0; code < 16; code++) {
    const count = counts[code];
    if (count === 0) continue;
    examples += count;
    if (code & IS_NEW) {
      newExamples += count;
      if (code & CORRECT) newCorrect += count;
    } else {
      if (code & CORRECT) oldCorrect += count;
      if (code & PREDICTED_NEW) intrusions += count;
      if (code & BASE_CORRECT) baseOldCorrect += count;
    }
  }
  const oldExamples = examples - newExamples;
  const ratio = (numerator: number, denominator: number) => (denominator === 0 ? null : numerator / denominator);
  const oldAccuracy = ratio(oldCorrect, oldExamples);
  const baseOldAccuracy = ratio(baseOldCorrect, oldExamples);
  return {
    oldAccuracy,
    newAccuracy: ratio(newCorrect, newExamples),
    overallAccuracy: ratio(oldCorrect + newCorrect, examples),
    forgetting: oldAccuracy === null || baseOldAccuracy === null ? null : baseOldAccuracy - oldAccuracy,
    intrusion: ratio(intrusions, oldExamples),
  };
}

export function outcomeMetrics(outcomes: SplitOutcomes): OutcomeMetrics {
  return metricsFromCounts(codeCounts(outcomeCodes(outcomes)));
}

/** Outcomes as they are stored (a run's jsonb column, a benchmark's JSON): bitsets in base64. */
export interface StoredSplitOutcomes {
  examples: number;
  isNew: string;
  correct: string;
  predictedNew: string;
  baseCorrect: string;
}
export interface StoredRunOutcomes {
  test: StoredSplitOutcomes;
  validation: StoredSplitOutcomes;
}

const BIT_FIELDS = ['isNew', 'correct', 'predictedNew', 'baseCorrect'] as const;

export function encodeOutcomes(outcomes: RunOutcomes): StoredRunOutcomes {
  const encode = (split: SplitOutcomes): StoredSplitOutcomes => ({
    examples: split.examples,
    ...(Object.fromEntries(BIT_FIELDS.map((field) => [field, Buffer.from(split[field]).toString('base64')])) as Record<(typeof BIT_FIELDS)[number], string>),
  });
  return { test: encode(outcomes.test), validation: encode(outcomes.validation) };
}

export function decodeOutcomes(stored: StoredRunOutcomes): RunOutcomes {
  const decode = (split: StoredSplitOutcomes): SplitOutcomes => {
    const bytes = Math.ceil(split.examples / 8);
    const bits = Object.fromEntries(
      BIT_FIELDS.map((field) => {
        const decoded = new Uint8Array(Buffer.from(split[field], 'base64'));
        if (decoded.length !== bytes) throw new RangeError(`stored outcomes of ${split.examples} examples need ${bytes} bytes of ${field}; got ${decoded.length}`);
        return [field, decoded];
      }),
    ) as Record<(typeof BIT_FIELDS)[number], Uint8Array>;
    return { examples: split.examples, ...bits };
  };
  return { test: decode(stored.test), validation: decode(stored.validation) };
}
