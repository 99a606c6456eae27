import * as fc from 'fast-check';
import { MAX_NAME_LENGTH } from '../../src/services/names.js';
import { writeCsv } from './csv-writer.js';
import { hasLoneSurrogate, hostileShortString, loneSurrogate } from './hostile-strings.js';

export interface DatasetContent {
  format: 'CSV' | 'JSONL';
  content: string;
  textColumn?: string;
  labelColumn?: string;
  splitColumn?: string;
}

const HEADERS = ['text,label\n', 'text,label,split\n', '\ufefftext,label\r\n', 'sentence,intent,split\r\n', 'text,"label"\n', ''];

/** The characters CSV parsers trip over, plus cells that mean something, in any order; now and then worse. */
const csvPiece = fc.oneof(
  { arbitrary: fc.constantFrom('"', '""', ',', '\n', '\r', '\r\n', '\ufeff', ' ', '\\', 'a', 'b c', 'text', 'label', 'split', 'train', 'test', 'dev'), weight: 6 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), weight: 3 },
  { arbitrary: fc.oneof(fc.constantFrom('\u0000', '\ufffd', '\t'), loneSurrogate), weight: 1 },
  { arbitrary: hostileShortString, weight: 1 },
);

const soupCell = fc.array(csvPiece, { maxLength: 4 }).map((pieces) => pieces.join(''));

/** A line that is a row with a text and a label cell made of soup, or soup alone. */
const soupLine = fc.oneof(
  fc.tuple(soupCell, soupCell).map(([text, label]) => `${text},${label}`),
  fc.tuple(soupCell, soupCell, fc.constantFrom('train', 'test', '', 'nope')).map(([text, label, split]) => `${text},${label},${split}`),
  fc.array(csvPiece, { maxLength: 10 }).map((pieces) => pieces.join('')),
);

/** Random mixes of quotes, commas, line breaks, CRs and BOMs, usually under a plausible header. */
export const csvSoup: fc.Arbitrary<DatasetContent> = fc
  .tuple(fc.constantFrom(...HEADERS), fc.array(soupLine, { maxLength: 8 }), fc.constantFrom('\n', '\r\n', '\r'))
  .map(([header, lines, end]) => ({ format: 'CSV', content: header + lines.join(end) }));

/** Random bytes read leniently: as latin1, or as UTF-8 with U+FFFD for what does not decode. */
export const csvGarbage: fc.Arbitrary<DatasetContent> = fc
  .tuple(fc.constantFrom('', 'text,label\n'), fc.uint8Array({ maxLength: 3000 }), fc.constantFrom<BufferEncoding>('latin1', 'utf8'))
  .map(([header, bytes, encoding]) => ({ format: 'CSV', content: header + Buffer.from(bytes).toString(encoding) }));

/** A header and nothing else, in its several spellings. */
export const csvHeaderOnly: fc.Arbitrary<DatasetContent> = fc
  .constantFrom('text,label', 'text,label\n', 'text,label\r\n\r\n\n', '\ufefftext,label', 'sentence,intent,split\n\n\n', '\ufeff', '\n\n', '"', '""')
  .map((content) => ({ format: 'CSV', content }));

/** Thousands of columns, with rows that match the header or miss by one. */
export const csvManyColumns: fc.Arbitrary<DatasetContent> = fc
  .record({ columns: fc.integer({ min: 1000, max: 20_000 }), rows: fc.integer({ min: 0, max: 3 }), shortBy: fc.constantFrom(0, 0, 1) })
  .map(({ columns, rows, shortBy }) => {
    const header = ['text', 'label', ...Array.from({ length: columns - 2 }, (_, i) => `c${i}`)];
    const row = (r: number) => [`row ${r}`, `l${r % 2}`, ...Array.from({ length: columns - 2 - shortBy }, (_, i) => String(i))];
    return { format: 'CSV', content: [header, ...Array.from({ length: rows }, (_, r) => row(r))].map((fields) => fields.join(',')).join('\n') };
  });

/**
 * Megabyte fields: a huge text, a huge label (incompressible, so it cannot hide in an index entry
 * by compression), or a huge quoted field whose closing quote is missing.
 */
export const csvHugeField: fc.Arbitrary<DatasetContent> = fc
  .record({
    bytes: fc.integer({ min: 1 << 20, max: 3 << 20 }),
    where: fc.constantFrom('text', 'label', 'unterminated'),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
  })
  .map(({ bytes, where, seed }) => {
    const huge = printableNoise(bytes, seed);
    const rows =
      where === 'text'
        ? [['text', 'label'], [huge, 'big'], ['small', 'big']]
        : where === 'label'
          ? [['text', 'label'], ['a text', huge], ['another', 'small']]
          : [['text', 'label'], ['ok', 'fine']];
    const content = writeCsv(rows) + (where === 'unterminated' ? `"${huge.replace(/"/g, '""')}\n,x\n` : '');
    return { format: 'CSV', content };
  });

/** Printable ASCII from a seeded generator, with quotes, commas and line breaks among it: it does not compress. */
export function printableNoise(length: number, seed: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,"\n\r-_/';
  let state = seed >>> 0;
  const chars = new Array<string>(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    chars[i] = alphabet[state % alphabet.length];
  }
  return chars.join('');
}

/** A JSON value for a text, label or split cell: mostly strings, then every other type. */
const jsonCell = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), weight: 4 },
  { arbitrary: hostileShortString, weight: 2 },
  { arbitrary: fc.constantFrom('train', 'TEST', ' dev ', 'validation'), weight: 2 },
  { arbitrary: fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.constant(null)), weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
);

/** One JSONL line: mostly objects with text/label/split keys holding random JSON, sometimes anything JSON at all. */
const jsonLine = fc.oneof(
  {
    arbitrary: fc.record({ text: jsonCell, label: jsonCell, split: jsonCell }, { requiredKeys: ['text', 'label'] }).map((v) => JSON.stringify(v)),
    weight: 6,
  },
  {
    arbitrary: fc.dictionary(fc.constantFrom('text', 'label', 'split', 'Text', ' label ', 'intent', '__proto__', 'constructor'), jsonCell, { maxKeys: 4 }).map((v) => JSON.stringify(v)),
    weight: 2,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), weight: 1 },
  { arbitrary: fc.constantFrom('', ' ', '{', '{"text": "a", "label": "b"', '\ufeff{}', '{"text": "\\u0000", "label": "x"}', '{"text": "t", "label": "\\udc00"}'), weight: 1 },
);

/** JSONL content from random lines, with CRLF or LF line ends. */
export const jsonLines: fc.Arbitrary<DatasetContent> = fc
  .tuple(fc.array(jsonLine, { maxLength: 6 }), fc.constantFrom('\n', '\r\n'))
  .map(([lines, end]) => ({ format: 'JSONL', content: lines.join(end) }));

export interface WrittenRow {
  text: string;
  label: string;
  split: 'train' | 'validation' | 'test';
}

/** Cell text of these pieces and any printable graphemes, now and then something worse. */
function cell(pieces: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    {
      arbitrary: fc
        .array(fc.oneof(fc.constantFrom(...pieces), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 8 })
        .map((parts) => parts.join('')),
      weight: 12,
    },
    { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), weight: 1 },
    { arbitrary: hostileShortString, weight: 1 },
  );
}

/** What CSV and JSON must escape or trim, and what SQL and LIKE treat specially. */
const ESCAPED = ['"', ',', ' ', '\ufeff', '\\', "'", '%', '_', '\u00a0'];

/** Rows of hostile text and labels, to be written as well-formed files: the file is the rows, exactly. */
export const hostileRows: fc.Arbitrary<WrittenRow[]> = fc.array(
  fc.record({
    text: cell([...ESCAPED, '\n', '\r', '\r\n', '\t']),
    label: fc.oneof({ arbitrary: cell(ESCAPED), weight: 9 }, { arbitrary: fc.integer({ min: 195, max: 205 }).map((n) => ` ${'\u00e9'.repeat(n)} `), weight: 1 }),
    split: fc.constantFrom('train', 'validation', 'test'),
  }),
  { minLength: 1, maxLength: 25 },
);

/** The rows as a file of either format, written the way a careful tool would. */
export function writeRows(rows: WrittenRow[], format: 'CSV' | 'JSONL'): string {
  if (format === 'CSV') return writeCsv([['text', 'label', 'split'], ...rows.map((row) => [row.text, row.label, row.split])]);
  return rows.map((row) => JSON.stringify(row)).join('\n');
}

/**
 * Whether a file of these rows must import: every text and (trimmed) label is non-blank, a label
 * is one line no longer than a label-set label, and nothing is outside what PostgreSQL text holds
 * or a UTF-8 file carries (U+FFFD is refused as the mark of a lossy decoder).
 */
export function rowsAreImportable(rows: WrittenRow[]): boolean {
  return rows.every(({ text, label }) => {
    const trimmed = label.trim();
    const storable = [text, label].every((cell) => !cell.includes('\u0000') && !cell.includes('\ufffd') && !hasLoneSurrogate(cell));
    return text.trim() !== '' && trimmed !== '' && trimmed.length <= MAX_NAME_LENGTH && !/\p{Cc}/u.test(trimmed) && storable;
  });
}
