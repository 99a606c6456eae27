import { normalizeColumnName, resolveColumns, type ColumnOptions, type ColumnPositions } from './columns.js';
import { readContent } from './content.js';
import { parseCsv } from './csv.js';
import { readRow, type ColumnNames, type PendingRow } from './dataset-row.js';
import { DatasetFileError } from './errors.js';
import { parseJsonLines } from './jsonl.js';
import { assignSplits, carveValidation, type Split } from './splits.js';

export { DatasetFileError, type DatasetFileErrorCode } from './errors.js';
export type { Split } from './splits.js';

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

export interface DatasetFileInput extends ColumnOptions {
  format: 'CSV' | 'JSONL';
  content: string | Uint8Array;
  /** Limit on the content's size in UTF-8 bytes; DEFAULT_MAX_BYTES if absent. */
  maxBytes?: number;
  /** Seed for the splits assigned to rows that have none, and for the validation rows carved from train; 0 if absent. */
  splitSeed?: number;
}

export interface DatasetRow {
  text: string;
  label: string;
  split: Split;
}

export interface ParsedDatasetFile {
  rows: DatasetRow[];
  /** The columns (CSV) or keys (JSONL) used, as the file spells them. */
  columns: ColumnNames;
  /** How many rows had no split in the file and got one from assignSplits. */
  generatedSplits: number;
  /** How many train rows carveValidation moved to validation, for labels the file gave none. */
  carvedValidation: number;
}

interface ValidatedRows {
  rows: PendingRow[];
  columns: ColumnNames;
}

/** Parses and validates an uploaded dataset; every problem is a DatasetFileError a user can act on. */
export function parseDatasetFile(input: DatasetFileInput): ParsedDatasetFile {
  const text = readContent(input.content, input.maxBytes ?? DEFAULT_MAX_BYTES);
  const { rows, columns } = input.format === 'CSV' ? readCsvRows(text, input) : readJsonLinesRows(text, input);

  const unsplit = rows.filter((row) => row.split === null);
  const assigned = assignSplits(unsplit, input.splitSeed ?? 0);
  unsplit.forEach((row, i) => (row.split = assigned[i]));
  const split = rows as DatasetRow[];
  const carved = carveValidation(split, input.splitSeed ?? 0);
  let carvedValidation = 0;
  split.forEach((row, i) => {
    if (carved[i] === row.split) return;
    row.split = carved[i];
    carvedValidation++;
  });
  return { rows: split, columns, generatedSplits: unsplit.length, carvedValidation };
}

function readCsvRows(text: string, options: ColumnOptions): ValidatedRows {
  const [header, ...records] = parseCsv(text);
  if (header === undefined) {
    throw new DatasetFileError('NO_ROWS', null, 'content', 'the file is empty; it needs a header line such as text,label and one row per example');
  }
  const positions = resolveColumns(header.fields, options, { noun: 'column', line: header.line });
  const columns = namesAt(header.fields, positions);
  if (records.length === 0) {
    throw new DatasetFileError('NO_ROWS', null, 'content', `the file has a header (${header.fields.join(',')}) but no rows; add one row per example below it`);
  }

  const width = header.fields.length;
  const rows = records.map(({ fields, line }) => {
    if (fields.length !== width) {
      throw new DatasetFileError(
        'MALFORMED',
        line,
        null,
        `expected ${width} fields (${header.fields.join(',')}) but found ${fields.length}; ` +
          'put quotes around a field that contains a comma, a quote or a line break',
      );
    }
    const cells = {
      text: fields[positions.text],
      label: fields[positions.label],
      split: positions.split === null ? undefined : fields[positions.split],
    };
    return readRow(line, cells, columns, 'column');
  });
  return { rows, columns };
}

function readJsonLinesRows(text: string, options: ColumnOptions): ValidatedRows {
  const records = parseJsonLines(text);
  if (records.length === 0) {
    throw new DatasetFileError('NO_ROWS', null, 'content', 'the file has no JSON objects; put one per line, such as {"text": "...", "label": "..."}');
  }
  // Objects need not all spell their keys alike: resolve against every key seen (first spelling).
  const spellings = new Map<string, string>();
  for (const { value } of records) {
    for (const key of Object.keys(value)) {
      if (!spellings.has(normalizeColumnName(key))) spellings.set(normalizeColumnName(key), key);
    }
  }
  const keys = [...spellings.values()];
  const positions = resolveColumns(keys, options, { noun: 'key', line: records[0].line });
  const columns = namesAt(keys, positions);
  const splitKey = positions.split === null ? null : keys[positions.split];
  const rows = records.map(({ value, line }) => {
    const cells = {
      text: valueOf(value, keys[positions.text]),
      label: valueOf(value, keys[positions.label]),
      split: splitKey === null ? undefined : valueOf(value, splitKey),
    };
    return readRow(line, cells, columns, 'key');
  });
  return { rows, columns };
}

/** The value under `key`, or under a key that matches it case-insensitively; undefined if none. */
function valueOf(object: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(object, key)) return object[key];
  const wanted = normalizeColumnName(key);
  const match = Object.keys(object).find((k) => normalizeColumnName(k) === wanted);
  return match === undefined ? undefined : object[match];
}

function namesAt(names: readonly string[], positions: ColumnPositions): ColumnNames {
  return {
    text: names[positions.text].trim(),
    label: names[positions.label].trim(),
    split: positions.split === null ? null : names[positions.split].trim(),
  };
}
