import type { SettingsFragment } from '../generated/graphql';

export type SettingValue = string | number | boolean | null;

/**
 * A run's settings as one level of names: nested settings get dotted names
 * (`distillation.temperature`, `rehearsal.perLabel`); a setting that is off stays, as null.
 */
export function flattenSettings(settings: SettingsFragment | Record<string, unknown>): Record<string, SettingValue> {
  const flat: Record<string, SettingValue> = {};
  const walk = (prefix: string, value: object) => {
    for (const [name, inner] of Object.entries(value)) {
      if (name === '__typename') continue;
      const key = prefix ? `${prefix}.${name}` : name;
      if (inner !== null && typeof inner === 'object') walk(key, inner as object);
      else flat[key] = (inner ?? null) as SettingValue;
    }
  };
  walk('', settings);
  return flat;
}

/** The setting a dotted name belongs to, as compareRuns names it (`distillation.weight` -> `distillation`). */
export function topSetting(name: string): string {
  return name.split('.')[0];
}
