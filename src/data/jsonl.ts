import { DatasetFileError } from './errors.js';

export interface JsonLinesRecord {
  value: Record<string, unknown>;
  /** 1-based physical line. */
  line: number;
}

/** JSON Lines: one JSON object per line; blank lines, CRLF endings and a leading BOM are accepted. */
export function parseJsonLines(text: string): JsonLinesRecord[] {
  const records: JsonLinesRecord[] = [];
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let line = 1; start <= text.length; line++) {
    let stop = text.indexOf('\n', start);
    if (stop < 0) stop = text.length;
    const source = text.slice(start, stop).trim();
    start = stop + 1;
    if (source === '') continue;

    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      throw new DatasetFileError(
        'MALFORMED',
        line,
        'content',
        `not valid JSON (${(error as Error).message}); each line must hold one complete JSON object`,
      );
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DatasetFileError(
        'MALFORMED',
        line,
        'content',
        `expected a JSON object such as {"text": "...", "label": "..."} but found ${describe(value)}`,
      );
    }
    records.push({ value: value as Record<string, unknown>, line });
  }
  return records;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
