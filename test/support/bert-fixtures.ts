import fs from 'node:fs';
import path from 'node:path';
import { readReferenceTexts } from '../../src/bench/reference-texts.js';
import { packageRoot } from '../../src/package-root.js';

/** test/fixtures/bert: tiny BERT folders and the PyTorch reference's outputs on texts.txt (see its README.md). */
export const BERT_FIXTURES = path.join(packageRoot(), 'test', 'fixtures', 'bert');

export interface ExpectedOutput {
  text: string;
  ids: number[];
  pooled: number[];
  logits: number[];
}

/** texts.txt as the reference reads it: Python text-mode lines, whitespace-only ones dropped. */
export function readTexts(): string[] {
  return readReferenceTexts(path.join(BERT_FIXTURES, 'texts.txt'));
}

/** `<name>.expected.json`: per text of readTexts(), in order, the reference's ids, pooled features and logits. */
export function readExpected(name: string): ExpectedOutput[] {
  return JSON.parse(fs.readFileSync(path.join(BERT_FIXTURES, `${name}.expected.json`), 'utf8')) as ExpectedOutput[];
}
