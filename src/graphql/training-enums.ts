import { registerEnumType } from 'type-graphql';
import {
  EPOCH_SELECTIONS,
  EXEMPLAR_SELECTIONS,
  HEAD_INITS,
  LEARNING_RATE_SCHEDULE_DESCRIPTIONS,
  PRESET_DESCRIPTIONS,
  TRAINABLES,
} from '../training/index.js';

/**
 * Registers one of the training engine's described value sets as a GraphQL enum. The values and
 * their descriptions live with the engine, so the API cannot drift from what it runs.
 */
function describedEnum<T extends string>(descriptions: Record<T, string>, name: string, description: string): Record<T, T> {
  const values = Object.fromEntries(Object.keys(descriptions).map((value) => [value, value])) as Record<T, T>;
  const valuesConfig = Object.fromEntries(Object.entries(descriptions).map(([value, text]) => [value, { description: text as string }])) as Partial<Record<T, { description: string }>>;
  registerEnumType(values, { name, description, valuesConfig });
  return values;
}

export const Preset = describedEnum(PRESET_DESCRIPTIONS, 'Preset', 'Named head-expansion strategies, shared with the benchmarks. Any axis can be overridden in StrategyInput.');
export const HeadInitEnum = describedEnum(HEAD_INITS, 'HeadInit', 'How appended head rows start.');
export const TrainableEnum = describedEnum(TRAINABLES, 'Trainable', 'Which parameters a head expansion updates.');
export const ExemplarSelectionEnum = describedEnum(EXEMPLAR_SELECTIONS, 'ExemplarSelection', 'How rehearsal picks old-label examples.');
export const EpochSelectionEnum = describedEnum(EPOCH_SELECTIONS, 'EpochSelection', "Which epoch's weights a head expansion keeps.");
export const LearningRateScheduleEnum = describedEnum(LEARNING_RATE_SCHEDULE_DESCRIPTIONS, 'LearningRateSchedule', 'How learning rates change over a training.');
