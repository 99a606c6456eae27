import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseCsv } from '../src/data/csv.js';
import { catchDatasetError } from './support/catch-dataset-error.js';
import { writeCsv } from './support/csv-writer.js';

test('quoted commas, doubled quotes, embedded LF and CRLF, BOM and CRLF record ends', () => {
  const text =
    '\uFEFFtext,label\r\n' +
    '"hello, world",greet\r\n' +
    '"she said ""hi""",quote\r\n' +
    '"two\nlines",multi\r\n' +
    '"crlf\r\ninside",multi\r\n' +
    'plain,"quoted label"\r\n';
  assert.deepEqual(parseCsv(text), [
    { fields: ['text', 'label'], line: 1 },
    { fields: ['hello, world', 'greet'], line: 2 },
    { fields: ['she said "hi"', 'quote'], line: 3 },
    { fields: ['two\nlines', 'multi'], line: 4 },
    { fields: ['crlf\r\ninside', 'multi'], line: 6 },
    { fields: ['plain', 'quoted label'], line: 8 },
  ]);
});

test('blank lines are skipped but counted, and a trailing newline adds no record', () => {
  assert.deepEqual(parseCsv('a,b\n\n\r\nc,d\n\n'), [
    { fields: ['a', 'b'], line: 1 },
    { fields: ['c', 'd'], line: 4 },
  ]);
  assert.deepEqual(parseCsv('a,b'), [{ fields: ['a', 'b'], line: 1 }]);
  assert.deepEqual(parseCsv(''), []);
});

test('empty fields, a quote inside an unquoted field and a lone CR are data', () => {
  assert.deepEqual(parseCsv('a,,\n,b\n""\n5" screen,x\r y\n').map((r) => r.fields), [
    ['a', '', ''],
    ['', 'b'],
    [''],
    ['5" screen', 'x\r y'],
  ]);
});

test('writing any rows and parsing them back gives the same fields and start lines', () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r', 'é', '😀', '\t'), maxLength: 12 });
  const rows = fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 });
  fc.assert(
    fc.property(rows, fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'), fc.boolean(), (rows, lineEnd, bom) => {
      let line = 1;
      const expected = rows.map((fields) => {
        const record = { fields, line };
        line += (writeCsv([fields], { lineEnd }).match(/\n/g) ?? []).length;
        return record;
      });
      assert.deepEqual(parseCsv(writeCsv(rows, { lineEnd, bom })), expected);
    }),
    { numRuns: 500 },
  );
});

test('an unterminated quote is MALFORMED at the line where the field began', () => {
  const error = catchDatasetError(() => parseCsv('text,label\nok,a\n"never closed,\nmore\ntext,b\n'));
  assert.equal(error.code, 'MALFORMED');
  assert.equal(error.line, 3);
  assert.match(error.message, /^line 3: .*closing quote is missing/);
});

test('text after a closing quote is MALFORMED at its line', () => {
  const error = catchDatasetError(() => parseCsv('text,label\n"multi\nline"oops,a\n'));
  assert.equal(error.code, 'MALFORMED');
  assert.equal(error.line, 3);
  assert.match(error.message, /^line 3: unexpected "o" after the closing quote/);
});
