import fs from 'node:fs';

/** Python's str.isspace() characters: the reference skips lines made only of these (JavaScript's \s is another set). */
const PYTHON_WHITESPACE_ONLY = /^[\t\n\v\f\r\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/u;

/** A texts file as the PyTorch BERT reference reads it: Python text-mode lines, whitespace-only ones dropped. */
export function readReferenceTexts(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split(/\r\n|\r|\n/).filter((line) => !PYTHON_WHITESPACE_ONLY.test(line));
}
