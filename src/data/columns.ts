import { DatasetFileError } from './errors.js';

export interface ColumnOptions {
  textColumn?: string;
  labelColumn?: string;
  splitColumn?: string;
}

/** Positions of the chosen columns in the list of names they were resolved against. */
export interface ColumnPositions {
  text: number;
  label: number;
  split: number | null;
}

/** How the file names its columns, for messages: CSV header cells or JSONL object keys. */
export interface ColumnSource {
  noun: 'column' | 'key';
  /** The header line (CSV) or the first line (JSONL). */
  line: number;
}

type Role = 'text' | 'label' | 'split';

const DEFAULTS: Record<Role, readonly string[]> = {
  text: ['text', 'sentence', 'utterance'],
  label: ['label', 'intent'],
  split: ['split'],
};

const OPTION: Record<Role, keyof ColumnOptions> = { text: 'textColumn', label: 'labelColumn', split: 'splitColumn' };

/** Header names match case-insensitively, ignoring surrounding spaces. */
export function normalizeColumnName(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * Picks the text, label and split columns. A name given in options must exist; otherwise the first
 * present default is used (`text,label,split` and `sentence,label` both work as is). With no split
 * column given or found, every row gets an assigned split.
 */
export function resolveColumns(names: readonly string[], options: ColumnOptions, source: ColumnSource): ColumnPositions {
  const normalized = names.map(normalizeColumnName);
  const find = (role: Role): number | null => {
    const wanted = options[OPTION[role]];
    const candidates = wanted === undefined ? DEFAULTS[role] : [normalizeColumnName(wanted)];
    for (const candidate of candidates) {
      const at = normalized.indexOf(candidate);
      if (at < 0) continue;
      const again = normalized.indexOf(candidate, at + 1);
      if (again >= 0) {
        throw new DatasetFileError(
          'MALFORMED',
          source.line,
          names[at].trim(),
          `${source.noun} "${names[at].trim()}" appears twice (positions ${at + 1} and ${again + 1}); rename or remove one`,
        );
      }
      return at;
    }
    if (wanted !== undefined) throw missing(role, wanted, names, source);
    return null;
  };

  const text = find('text');
  if (text === null) throw missing('text', undefined, names, source);
  const label = find('label');
  if (label === null) throw missing('label', undefined, names, source);
  const split = find('split');
  if (text === label || text === split || label === split) {
    const shared = names[text === label || text === split ? text : label].trim();
    throw new DatasetFileError(
      'MALFORMED',
      source.line,
      shared,
      `${source.noun} "${shared}" is chosen for two roles (text, label, split); name a different ${source.noun} in the options`,
    );
  }
  return { text, label, split };
}

function missing(role: Role, wanted: string | undefined, names: readonly string[], source: ColumnSource): DatasetFileError {
  const [first, ...others] = wanted === undefined ? DEFAULTS[role] : [wanted];
  const alternatives = others.length === 0 ? '' : ` (or ${others.map((n) => `"${n}"`).join(', ')})`;
  const listed = names.map((n) => n.trim()).join(', ');
  const has =
    source.noun === 'column'
      ? `the header has ${listed}`
      : names.length === 0
        ? 'the objects have no keys'
        : `the objects have keys ${listed}`;
  const fix =
    wanted === undefined
      ? `pass ${OPTION[role]} to name the ${role} ${source.noun}`
      : `check the ${OPTION[role]} option`;
  return new DatasetFileError('MISSING_COLUMN', source.line, first, `missing ${source.noun} "${first}"${alternatives}: ${has}; ${fix}`);
}
