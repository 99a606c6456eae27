/** A share (0..1) as a percentage with one decimal; a dash when there is none. */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`;
}

/** A spread of shares in percentage points. */
export function points(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `±${(value * 100).toFixed(1)}`;
}

export function seconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return value < 60 ? `${value.toFixed(1)} s` : `${Math.floor(value / 60)} min ${Math.round(value % 60)} s`;
}

export function bytes(value: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${unit === 0 ? size : size.toFixed(1)} ${units[unit]}`;
}

export function dateTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '–';
}

/** A setting's value as text; a setting that is off (null) as a dash. */
export function settingValue(value: string | number | boolean | null | undefined): string {
  return value === null || value === undefined ? '–' : String(value);
}
