import { EncoderConfig, ExpansionSettings, PRESETS, PresetName, resolveExpansionSettings } from '../training/index.js';

/** What a launch stores as a head expansion's settings: the resolved settings and the preset they started from. */
export type StoredStrategySettings = ExpansionSettings & { preset: PresetName };

/** A setting on which some settings differ, with its value in each of them, formatted by formatSetting. */
export interface SettingDifference {
  setting: string;
  values: string[];
}

/** Written for a setting that one of the compared runs does not have (a base training beside a head expansion). */
const NOT_SET = 'n/a';

/** Settings that read differently from the rule in formatSetting. */
const SPECIAL_FORMATS: Record<string, (value: unknown) => string> = {
  rehearsal: (value) => (value === 'ALL' ? 'all old data' : `${String(value)} per label`),
  encoderLayers: (value) => (value === null ? 'all' : String(value)),
};

/**
 * A setting's value as people read it, the same way everywhere: numbers in JavaScript's shortest
 * exact form (0.01, 0.00005, 1e-7), enum values and booleans as GraphQL writes them, null as "off",
 * an object as its fields ("temperature 2 weight 1"); rehearsal reads "5 per label" or "all old
 * data", and encoderLayers null reads "all". Different values of one setting never read the same.
 */
export function formatSetting(setting: string, value: unknown): string {
  const special = SPECIAL_FORMATS[setting];
  if (special) return special(value);
  if (value === null) return 'off';
  if (typeof value === 'object') {
    return Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, inner]) => `${key} ${formatSetting(key, inner)}`)
      .join(' ');
  }
  return String(value);
}

/**
 * The settings on which `settings` are not all the same, by name, each with its formatted value in
 * every one of them: what compareRuns lists, and what a leaderboard variant names.
 */
export function settingDifferences(settings: ReadonlyArray<object>): SettingDifference[] {
  const names = [...new Set(settings.flatMap((one) => Object.keys(one)))].sort();
  return names
    .map((setting) => ({ setting, values: settings.map((one) => (setting in one ? formatSetting(setting, (one as Record<string, unknown>)[setting]) : NOT_SET)) }))
    .filter(({ values }) => new Set(values).size > 1);
}

/**
 * The name of a strategy setting: its preset and, in brackets, where it departs from that preset,
 * e.g. "IMPRINT_FROZEN (epochs 20)" or just "LWF". It departs from what launching the preset with
 * the same `trainable` on this base model gives: a strategy that trains a BERT encoder starts from
 * BERT fine-tuning's rates, which are no departure; `trainable` itself is compared with the
 * preset's own. Two different settings of one preset on one base model get two different names.
 */
export function variantOf(settings: StoredStrategySettings, encoder: EncoderConfig | null): string {
  const { preset, trainable } = settings;
  const defaults = { ...resolveExpansionSettings(preset, { trainable }, encoder), trainable: PRESETS[preset].trainable, preset };
  const departures = settingDifferences([defaults, settings]).map(({ setting, values }) => `${setting} ${values[1]}`);
  return departures.length === 0 ? preset : `${preset} (${departures.join(', ')})`;
}
