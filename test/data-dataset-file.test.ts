import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MAX_BYTES, parseDatasetFile, type DatasetFileInput } from '../src/data/dataset-file.js';
import { catchDatasetError } from './support/catch-dataset-error.js';
import { writeCsv } from './support/csv-writer.js';

const csv = (content: string | Uint8Array, options: Partial<DatasetFileInput> = {}) =>
  parseDatasetFile({ format: 'CSV', content, ...options });
const jsonl = (content: string, options: Partial<DatasetFileInput> = {}) =>
  parseDatasetFile({ format: 'JSONL', content, ...options });

function expectError(run: () => unknown, code: string, line: number | null, field: string | null, message?: string | RegExp) {
  const error = catchDatasetError(run);
  assert.equal(error.code, code, error.message);
  assert.equal(error.line, line, error.message);
  assert.equal(error.field, field, error.message);
  if (typeof message === 'string') assert.equal(error.message, message);
  else if (message) assert.match(error.message, message);
}

test('sentence,label imports with no options and gets generated splits', () => {
  const content = 'sentence,label\n' + Array.from({ length: 30 }, (_, i) => `how do I do thing ${i},how_to\n`).join('');
  const file = csv(content);
  assert.deepEqual(file.columns, { text: 'sentence', label: 'label', split: null });
  assert.equal(file.generatedSplits, 30);
  assert.equal(file.rows[0].text, 'how do I do thing 0');
  const counts = { train: 0, validation: 0, test: 0 };
  for (const row of file.rows) counts[row.split]++;
  assert.deepEqual(counts, { train: 24, validation: 3, test: 3 });
});

test('text,label,split imports with no options and keeps the file splits', () => {
  const file = csv('text,label,split\nhi,greet,train\nbye,leave,VAL\nyo,greet, Dev \nok,yes,test\nhm,yes,\n');
  assert.deepEqual(file.columns, { text: 'text', label: 'label', split: 'split' });
  assert.deepEqual(
    file.rows.map((r) => r.split),
    ['train', 'validation', 'validation', 'test', 'train'],
  );
  assert.equal(file.generatedSplits, 1);
  assert.equal(file.carvedValidation, 0, 'labels this small keep every train row');
});

test('a file split into train and test only gets validation rows carved from train', () => {
  const rows = Array.from({ length: 40 }, (_, i) => `ask ${i},ask,${i < 30 ? 'train' : 'test'}`);
  const file = csv(`text,label,split\n${rows.join('\n')}\n`);
  const counts = { train: 0, validation: 0, test: 0 };
  for (const row of file.rows) counts[row.split]++;
  assert.deepEqual(counts, { train: 27, validation: 3, test: 10 });
  assert.equal(file.carvedValidation, 3);
  assert.equal(file.generatedSplits, 0);
});

test('headers match case-insensitively and trimmed; options name other columns', () => {
  assert.deepEqual(csv(' Utterance ,INTENT\nhi,greet\n').columns, { text: 'Utterance', label: 'INTENT', split: null });
  const file = csv('id,question,category,fold\n1,what?,faq,test\n', {
    textColumn: 'Question',
    labelColumn: 'category',
    splitColumn: 'fold',
  });
  assert.deepEqual(file.columns, { text: 'question', label: 'category', split: 'fold' });
  assert.deepEqual(file.rows, [{ text: 'what?', label: 'faq', split: 'test' }]);
});

test('CSV round trip: quotes, commas, newlines, BOM and CRLF, as a string and as bytes', () => {
  const rows = [
    { text: 'hello, "world"', label: 'greet', split: 'train' as const },
    { text: 'line one\nline two', label: 'multi', split: 'validation' as const },
    { text: 'crlf\r\ninside, too', label: 'multi', split: 'test' as const },
    { text: '  spaces kept  \n', label: 'space', split: 'train' as const },
    { text: 'ünïcödé 😀', label: 'emoji', split: 'test' as const },
  ];
  const content = writeCsv([['text', 'label', 'split'], ...rows.map((r) => [r.text, r.label, r.split])], {
    lineEnd: '\r\n',
    bom: true,
  });
  assert.deepEqual(csv(content).rows, rows);
  assert.deepEqual(csv(new TextEncoder().encode(content)).rows, rows);
});

test('labels are trimmed, text is kept exactly', () => {
  assert.deepEqual(csv('text,label\n"  padded text ", spaced label \n').rows[0], {
    text: '  padded text ',
    label: 'spaced label',
    split: 'train',
  });
});

test('JSONL: one object per line, keys matched like headers, numeric labels, blank lines', () => {
  const file = jsonl(
    '{"Text": "hi", "label": "greet", "split": "train"}\r\n' +
      '\n' +
      '{"text": "bye", "LABEL": 3, "split": "test"}\n' +
      '{"text": "again", "label": "greet"}\n',
  );
  assert.deepEqual(file.columns, { text: 'Text', label: 'label', split: 'split' });
  assert.deepEqual(file.rows, [
    { text: 'hi', label: 'greet', split: 'train' },
    { text: 'bye', label: '3', split: 'test' },
    { text: 'again', label: 'greet', split: 'train' },
  ]);
  assert.equal(file.generatedSplits, 1);
  assert.deepEqual(jsonl('{"sentence": "s", "intent": "i"}').columns, { text: 'sentence', label: 'intent', split: null });
});

test('MISSING_COLUMN names the header and the option to pass', () => {
  expectError(
    () => csv('sentence2,label\nhi,greet\n'),
    'MISSING_COLUMN',
    1,
    'text',
    'line 1: missing column "text" (or "sentence", "utterance"): the header has sentence2, label; pass textColumn to name the text column',
  );
  expectError(() => csv('\ntext,category\nhi,greet\n'), 'MISSING_COLUMN', 2, 'label', /pass labelColumn/);
  expectError(() => csv('text,label\nhi,greet\n', { splitColumn: 'fold' }), 'MISSING_COLUMN', 1, 'fold', /check the splitColumn option/);
  expectError(() => jsonl('{"body": "hi", "label": "a"}'), 'MISSING_COLUMN', 1, 'text', /the objects have keys body, label/);
  expectError(
    () => jsonl('{"text": "hi", "label": "a"}\n{"text": "hi"}\n'),
    'MISSING_COLUMN',
    2,
    'label',
    'line 2: key "label" is missing; every line needs "text" and "label"',
  );
});

test('EMPTY_TEXT and EMPTY_LABEL name the line and column', () => {
  const lines = ['text,label', ...Array.from({ length: 12 }, (_, i) => `row ${i},a`)];
  expectError(
    () => csv([...lines, 'row 13, \t ', ''].join('\n')),
    'EMPTY_LABEL',
    14,
    'label',
    'line 14: column "label" is empty; every row needs a label',
  );
  expectError(() => csv('text,label\nok,a\n"  \n ",b\n'), 'EMPTY_TEXT', 3, 'text', /^line 3: column "text" is empty/);
  expectError(() => jsonl('{"text": null, "label": "a"}'), 'EMPTY_TEXT', 1, 'text', /key "text" is empty/);
  expectError(() => jsonl('\n{"text": "t", "label": ""}'), 'EMPTY_LABEL', 2, 'label');
});

test('INVALID_UTF8 in bytes names the line of the first invalid byte', () => {
  const bytes = (...parts: (string | number[])[]) =>
    Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));
  expectError(() => csv(bytes('text,label\nok,a\nbad ', [0xff], ',b\n')), 'INVALID_UTF8', 3, 'content', /byte 0xff at offset 20/);
  expectError(() => csv(bytes('text,label\nok,a\n', [0xe2, 0x82], '\n')), 'INVALID_UTF8', 3, 'content');
  expectError(() => csv(bytes('text,label\n', [0xed, 0xa0, 0x80], ',a\n')), 'INVALID_UTF8', 2, 'content');
  expectError(() => csv(bytes('text,label\nx', [0xef, 0xbf, 0xbd], ',a\n')), 'INVALID_UTF8', 2, 'content', /U\+FFFD/);
});

test('INVALID_UTF8 in strings: U+FFFD and unpaired surrogates', () => {
  expectError(() => csv('text,label\nok,a\nbroken \uFFFD text,b\n'), 'INVALID_UTF8', 3, 'content', /replacement character/);
  expectError(() => csv('text,label\nok,a\n\nx\uD83D,b\n'), 'INVALID_UTF8', 4, 'content', /unpaired UTF-16 surrogate \(U\+D83D\)/);
  expectError(() => jsonl('{"text": "\uDE00", "label": "a"}'), 'INVALID_UTF8', 1, 'content');
  assert.equal(csv('text,label\n\uD83D\uDE00,a\n').rows[0].text, '😀');
});

test('NO_ROWS for an empty file, a header alone and blank JSONL', () => {
  expectError(() => csv(''), 'NO_ROWS', null, 'content');
  expectError(() => csv('\uFEFFtext,label\r\n\r\n'), 'NO_ROWS', null, 'content', /header \(text,label\) but no rows/);
  expectError(() => jsonl('\n  \n'), 'NO_ROWS', null, 'content');
});

test('TOO_LARGE counts UTF-8 bytes before parsing', () => {
  const content = 'text,label\né,a\n'; // 15 characters, 16 bytes
  expectError(() => csv(content, { maxBytes: 15 }), 'TOO_LARGE', null, 'content', /16 bytes and the limit is 15 bytes/);
  assert.equal(csv(content, { maxBytes: 16 }).rows.length, 1);
  expectError(() => csv(new TextEncoder().encode(content), { maxBytes: 15 }), 'TOO_LARGE', null, 'content');
  // Not even valid CSV: the size check comes first.
  expectError(() => csv('"'.repeat(DEFAULT_MAX_BYTES + 1)), 'TOO_LARGE', null, 'content', /limit is 52428800 bytes \(50 MiB\)/);
});

test('MALFORMED: quotes, JSON, field counts, split values, duplicate columns', () => {
  expectError(() => csv('text,label\nok,a\n"open,b\nmore\n'), 'MALFORMED', 3, 'content', /closing quote is missing/);
  expectError(
    () => csv('text,label\nok,a\nhello, world,b\n'),
    'MALFORMED',
    3,
    null,
    'line 3: expected 2 fields (text,label) but found 3; put quotes around a field that contains a comma, a quote or a line break',
  );
  expectError(() => csv('text,label,split\nok,a,holdout\n'), 'MALFORMED', 2, 'split', /"holdout", which is not a split; use train, validation/);
  expectError(() => csv('text,label,TEXT\na,b,c\n'), 'MALFORMED', 1, 'text', /appears twice \(positions 1 and 3\)/);
  expectError(() => csv('text,label\na,b\n', { labelColumn: 'text' }), 'MALFORMED', 1, 'text', /chosen for two roles/);
  expectError(() => jsonl('{"text": "a", "label": "b"}\n{"text": "a", label: "b"}\n'), 'MALFORMED', 2, 'content', /not valid JSON/);
  expectError(() => jsonl('{"text": "a", "label": "b"}\n\n["a", "b"]\n'), 'MALFORMED', 3, 'content', /found an array/);
  expectError(() => jsonl('{"text": 5, "label": "b"}'), 'MALFORMED', 1, 'text', /must be a string but is 5/);
  expectError(() => jsonl('{"text": "a", "label": "b", "split": 1}'), 'MALFORMED', 1, 'split');
});

test('a ~50 MB file parses completely and correctly', () => {
  const labels = Array.from({ length: 150 }, (_, i) => `intent_${i}`);
  const splits = ['train', 'validation', 'test', ''];
  const lines = ['text,label,split'];
  let bytes = 0;
  for (let i = 0; bytes < 49 * 1024 * 1024; i++) {
    const line = `"request number ${i}, with a comma and a ""quote""\nover two lines",${labels[i % 150]},${splits[i % 4]}`;
    lines.push(line);
    bytes += line.length + 1;
  }
  const file = csv(lines.join('\n') + '\n');
  assert.equal(file.rows.length, lines.length - 1);
  assert.equal(file.generatedSplits, Math.floor(file.rows.length / 4));
  for (const i of [0, 1, 2, 3, file.rows.length - 1]) {
    const row = file.rows[i];
    assert.equal(row.text, `request number ${i}, with a comma and a "quote"\nover two lines`);
    assert.equal(row.label, labels[i % 150]);
    if (splits[i % 4] !== '') assert.equal(row.split, splits[i % 4]);
  }
  const generated = new Set(file.rows.filter((_, i) => splits[i % 4] === '').map((row) => row.split));
  assert.deepEqual([...generated].sort(), ['test', 'train', 'validation']);
});
