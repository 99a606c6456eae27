import { DatasetFileError } from './errors.js';
import { parseSplitName, SPLIT_NAMES_HINT, type Split } from './splits.js';
import { unstorableCharacter } from './storable-text.js';

/** As long as a label in a label set may be: a longer one could never be trained (and overflows index entries). */
const MAX_LABEL_LENGTH = 200;

/** The file's names for the chosen columns (CSV header cells or JSONL keys), as written there. */
export interface ColumnNames {
  text: string;
  label: string;
  split: string | null;
}

/** A validated row; `split` is null when the file left it to be assigned. */
export interface PendingRow {
  text: string;
  label: string;
  split: Split | null;
}

/** The raw values of one row's chosen columns; `undefined` means the JSONL object lacks the key. */
export interface RowCells {
  text: unknown;
  label: unknown;
  split: unknown;
}

/**
 * Validates one row. Text is kept exactly as written (only a blank one is rejected); labels are
 * trimmed and, like label-set labels, one line of at most MAX_LABEL_LENGTH characters; a JSONL
 * label may also be a number, as in files with integer class ids.
 */
export function readRow(line: number, cells: RowCells, names: ColumnNames, noun: 'column' | 'key'): PendingRow {
  const text = cells.text;
  if (typeof text !== 'string' && text !== null) throw badCell(line, text, names.text, names, noun, 'a string');
  if (text === null || text.trim() === '') {
    throw new DatasetFileError('EMPTY_TEXT', line, names.text, `${noun} "${names.text}" is empty; every row needs a text`);
  }
  requireStorable(line, text, names.text, noun);

  const raw = cells.label;
  if (typeof raw !== 'string' && raw !== null && !(typeof raw === 'number' && Number.isFinite(raw))) {
    throw badCell(line, raw, names.label, names, noun, 'a string or a number');
  }
  const label = raw === null ? '' : String(raw).trim();
  if (label === '') {
    throw new DatasetFileError('EMPTY_LABEL', line, names.label, `${noun} "${names.label}" is empty; every row needs a label`);
  }
  requireStorable(line, label, names.label, noun);
  if (label.length > MAX_LABEL_LENGTH) {
    throw new DatasetFileError(
      'MALFORMED',
      line,
      names.label,
      `${noun} "${names.label}" holds a label of ${label.length} characters; labels are at most ${MAX_LABEL_LENGTH}, as in a label set`,
    );
  }
  if (/\p{Cc}/u.test(label)) {
    throw new DatasetFileError('MALFORMED', line, names.label, `${noun} "${names.label}" holds a label with a control character (such as a tab or line break); a label is one line`);
  }

  return { text, label, split: readSplit(line, cells.split, names.split ?? 'split', noun) };
}

/** A NUL in a CSV, or a JSON escape in JSONL, can put into a cell what the database cannot store as written. */
function requireStorable(line: number, value: string, name: string, noun: string): void {
  const found = unstorableCharacter(value);
  if (found !== null) throw new DatasetFileError('MALFORMED', line, name, `${noun} "${name}" contains ${found}, which cannot be stored; remove it`);
}

/** A JSONL value that is absent or of the wrong type. */
function badCell(line: number, value: unknown, name: string, names: ColumnNames, noun: string, expected: string): DatasetFileError {
  if (value === undefined) {
    return new DatasetFileError(
      'MISSING_COLUMN',
      line,
      name,
      `${noun} "${name}" is missing; every line needs "${names.text}" and "${names.label}"`,
    );
  }
  return new DatasetFileError('MALFORMED', line, name, `${noun} "${name}" must be ${expected} but is ${JSON.stringify(value)}`);
}

function readSplit(line: number, cell: unknown, name: string, noun: string): Split | null {
  if (cell === undefined || cell === null) return null;
  const split = typeof cell === 'string' ? parseSplitName(cell) : undefined;
  if (split !== undefined) return split;
  throw new DatasetFileError(
    'MALFORMED',
    line,
    name,
    `${noun} "${name}" has ${JSON.stringify(cell)}, which is not a split; use ${SPLIT_NAMES_HINT}, ` +
      'or leave it empty to have one assigned',
  );
}
