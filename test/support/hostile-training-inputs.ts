import * as fc from 'fast-check';
import { hostileEnumValue, hostileNumber, withOneHostileField } from './hostile-numbers.js';
import { PRESET_NAMES } from '../../src/training/settings.js';

const rate = fc.double({ min: 1e-5, max: 1, noNaN: true });

/** Settings StrategyInput and TrainBaseModelInput share, within their documented ranges. */
const OPTIMISATION = {
  epochs: fc.integer({ min: 1, max: 1000 }),
  learningRate: rate,
  encoderLearningRate: rate,
  batchSize: fc.integer({ min: 1, max: 512 }),
  earlyStoppingPatience: fc.option(fc.integer({ min: 1, max: 10 }), { nil: null }),
};
const HOSTILE_OPTIMISATION = {
  epochs: hostileNumber,
  learningRate: hostileNumber,
  encoderLearningRate: hostileNumber,
  batchSize: hostileNumber,
  earlyStoppingPatience: hostileNumber,
};

const DISTILLATION = { temperature: fc.double({ min: 0.1, max: 10, noNaN: true }), weight: fc.double({ min: 0.1, max: 10, noNaN: true }) };

/** A StrategyInput: any combination of its fields, sometimes with one of them hostile. */
export const strategyInput = withOneHostileField(
  {
    preset: fc.constantFrom(...PRESET_NAMES),
    init: fc.constantFrom('RANDOM_NORMAL', 'XAVIER', 'ZEROS', 'IMPRINT'),
    trainable: fc.constantFrom('NEW_ROWS', 'NEW_ROWS_AND_ENCODER', 'HEAD', 'FULL_MODEL'),
    rehearsalPerLabel: fc.integer({ min: 0, max: 50 }),
    rehearseAllOldData: fc.boolean(),
    exemplarSelection: fc.constantFrom('RANDOM', 'HERDING', 'NEAREST_NEW'),
    distillation: fc.option(fc.record(DISTILLATION), { nil: null }),
    weightAligning: fc.boolean(),
    biasCalibration: fc.option(fc.double({ min: 0, max: 0.5, noNaN: true }), { nil: null }),
    tokenDropout: fc.double({ min: 0, max: 0.9, noNaN: true }),
    balanceNewLabels: fc.boolean(),
    scaleEncoderRateBySteps: fc.boolean(),
    minimumSteps: fc.integer({ min: 0, max: 200 }),
    epochSelection: fc.constantFrom('LAST', 'BEST_NEW_WITHIN_BUDGET'),
    headWeightDecay: fc.double({ min: 0, max: 1, noNaN: true }),
    ...OPTIMISATION,
  },
  {
    preset: hostileEnumValue,
    init: hostileEnumValue,
    trainable: hostileEnumValue,
    exemplarSelection: hostileEnumValue,
    rehearsalPerLabel: hostileNumber,
    rehearseAllOldData: fc.constantFrom(0, 'true'),
    distillation: withOneHostileField(DISTILLATION, { temperature: hostileNumber, weight: hostileNumber }),
    biasCalibration: hostileNumber,
    tokenDropout: hostileNumber,
    headWeightDecay: hostileNumber,
    balanceNewLabels: fc.constantFrom(0, 'true'),
    scaleEncoderRateBySteps: fc.constantFrom(1, 'yes'),
    minimumSteps: hostileNumber,
    epochSelection: hostileEnumValue,
    ...HOSTILE_OPTIMISATION,
  },
);

/** Seeds for a launch: usually distinct and in range, sometimes anything. */
export const seedList = fc.oneof(
  { arbitrary: fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 3 }), weight: 4 },
  { arbitrary: fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), hostileNumber), { maxLength: 3 }), weight: 1 },
);

const ENCODER = {
  dim: fc.integer({ min: 1, max: 256 }),
  buckets: fc.integer({ min: 1, max: 1 << 16 }),
  wordNgrams: fc.integer({ min: 1, max: 5 }),
  charNgramMin: fc.integer({ min: 0, max: 5 }),
  charNgramMax: fc.integer({ min: 5, max: 10 }),
  layerNorm: fc.boolean(),
};

/** TrainBaseModelInput's settings (dataset and label set aside), sometimes with one of them hostile. */
export const baseTrainingSettings = withOneHostileField(
  { seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }), encoder: fc.record(ENCODER, { requiredKeys: [] }), ...OPTIMISATION },
  {
    seed: hostileNumber,
    encoder: withOneHostileField(ENCODER, {
      dim: hostileNumber,
      buckets: hostileNumber,
      wordNgrams: hostileNumber,
      charNgramMin: hostileNumber,
      charNgramMax: hostileNumber,
      layerNorm: fc.constantFrom(1, 'yes'),
    }),
    ...HOSTILE_OPTIMISATION,
  },
);
