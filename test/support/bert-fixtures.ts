import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../src/package-root.js';

/** test/fixtures/bert: tiny BERT folders and the PyTorch reference's outputs on texts.txt (see its README.md). */
export const BERT_FIXTURES = path.join(packageRoot(), 'test', 'fixtures', 'bert');

export interface ExpectedOutput {
  text: string;
  ids: number[];
  pooled: number[];
  logits: number[];
}

/** Python's str.isspace() characters: the reference skips lines made only of these (JS's \s differs). */
const PYTHON_WHITESPACE_ONLY = /^[\t\n\v\f\r\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/u;

/** texts.txt as the reference reads it: Python text-mode lines, whitespace-only ones dropped. */
export function readTexts(): string[] {
  const lines = fs.readFileSync(path.join(BERT_FIXTURES, 'texts.txt'), 'utf8').split(/\r\n|\r|\n/);
  return lines.filter((line) => !PYTHON_WHITESPACE_ONLY.test(line));
}

/** `<name>.expected.json`: per text of readTexts(), in order, the reference's ids, pooled features and logits. */
export function readExpected(name: string): ExpectedOutput[] {
  return JSON.parse(fs.readFileSync(path.join(BERT_FIXTURES, `${name}.expected.json`), 'utf8')) as ExpectedOutput[];
}
