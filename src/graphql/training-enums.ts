import { registerEnumType } from 'type-graphql';
import { ExemplarSelection, HeadInit, LEARNING_RATE_SCHEDULES, LearningRateSchedule, PRESET_NAMES, PresetName, Trainable } from '../training/index.js';

/** The training engine's string unions as objects type-graphql can register as enums. */
function enumOf<T extends string>(values: readonly T[]): Record<T, T> {
  return Object.fromEntries(values.map((value) => [value, value])) as Record<T, T>;
}

export const Preset = enumOf<PresetName>(PRESET_NAMES);
export const HeadInitEnum = enumOf<HeadInit>(['RANDOM_NORMAL', 'XAVIER', 'ZEROS', 'IMPRINT']);
export const TrainableEnum = enumOf<Trainable>(['NEW_ROWS', 'HEAD', 'FULL_MODEL']);
export const ExemplarSelectionEnum = enumOf<ExemplarSelection>(['RANDOM', 'HERDING']);
export const LearningRateScheduleEnum = enumOf<LearningRateSchedule>(LEARNING_RATE_SCHEDULES);

registerEnumType(Preset, {
  name: 'Preset',
  description: 'Named head-expansion strategies, shared with the benchmarks. Any axis can be overridden in StrategyInput.',
  valuesConfig: {
    ORIGINAL_RECIPE: { description: 'Append torch.randn rows and fine-tune the whole head on the new examples only (the well-known answer).' },
    FROZEN_OLD_ROWS: { description: 'The same random rows, trained with old rows and bias frozen.' },
    IMPRINT_ONLY: { description: 'New rows = normalised mean feature of each new label, scaled like the old rows; no training.' },
    IMPRINT_FROZEN: { description: 'Imprinted rows, then trained with old rows frozen.' },
    REHEARSAL_HEAD: { description: 'Whole head trained on the new examples plus 5 stored examples of every old label.' },
    LWF: { description: 'Whole head trained on new examples only, with distillation to the base model\'s old outputs (Learning without Forgetting).' },
    WEIGHT_ALIGNED: { description: 'Rehearsal, then the new rows rescaled to the old rows\' mean norm (weight aligning).' },
    FULL_FINE_TUNE: { description: 'Encoder and head trained on new examples plus rehearsal (a BERT encoder with AdamW, warm-up and decay, dropout on).' },
    JOINT_RETRAIN: { description: 'Encoder and head retrained on all old training data plus the new: the upper bound when old data is at hand.' },
  },
});

registerEnumType(HeadInitEnum, {
  name: 'HeadInit',
  description: 'How appended head rows start.',
  valuesConfig: {
    RANDOM_NORMAL: { description: 'Standard normal weights and bias, as torch.randn.' },
    XAVIER: { description: 'Glorot-uniform weights, zero bias.' },
    ZEROS: { description: 'Zero weights and bias.' },
    IMPRINT: { description: 'Normalised mean feature of the label\'s examples, scaled to the old rows\' mean norm; bias = mean old bias.' },
  },
});

registerEnumType(TrainableEnum, {
  name: 'Trainable',
  description: 'Which parameters a head expansion updates.',
  valuesConfig: {
    NEW_ROWS: { description: 'Only the appended rows; old rows and biases stay bit-identical.' },
    HEAD: { description: 'Every head row.' },
    FULL_MODEL: { description: 'Encoder and head.' },
  },
});

registerEnumType(ExemplarSelectionEnum, {
  name: 'ExemplarSelection',
  description: 'How rehearsal picks old-label examples.',
  valuesConfig: {
    RANDOM: { description: 'Uniformly at random (seeded).' },
    HERDING: { description: 'iCaRL herding: each pick brings the picked examples\' mean feature closest to the label\'s.' },
  },
});

registerEnumType(LearningRateScheduleEnum, {
  name: 'LearningRateSchedule',
  description: 'How learning rates change over a training.',
  valuesConfig: {
    CONSTANT: { description: 'As set, throughout.' },
    LINEAR_DECAY: { description: 'From the set rate down to nearly 0 at the last step (fastText\'s schedule).' },
  },
});
