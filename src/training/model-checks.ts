// Shape checks on the typed arrays of a Classifier, run where models cross a boundary (files
// written and read), so a wrong size fails there with a message instead of as garbage later.
import { Classifier, EmbeddingBagEncoder, LinearHead } from './model.js';

export function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** Labels are head rows by position, so a repeated label would make two rows answer to one name. */
export function checkLabels(labels: unknown, where: string): asserts labels is string[] {
  if (!Array.isArray(labels) || !labels.every((label) => typeof label === 'string')) {
    throw new Error(`${where}: labels must be a list of strings`);
  }
  const seen = new Set<string>();
  for (const label of labels) {
    if (seen.has(label)) throw new Error(`${where}: label '${label}' appears more than once`);
    seen.add(label);
  }
}

export function checkHead(head: LinearHead, labelCount: number, where: string): void {
  if (!isCount(head.dim) || head.dim === 0) throw new Error(`${where}: head dim must be a positive integer, not ${head.dim}`);
  if (head.weight.length !== labelCount * head.dim) {
    throw new Error(`${where}: head weight has ${head.weight.length} values, expected ${labelCount} labels x ${head.dim} dims = ${labelCount * head.dim}`);
  }
  if (head.bias.length !== labelCount) {
    throw new Error(`${where}: head bias has ${head.bias.length} values, expected one per label (${labelCount})`);
  }
}

export function checkEmbeddingBagClassifier(model: Classifier<EmbeddingBagEncoder>, where: string): void {
  checkLabels(model.labels, where);
  const { dim, tokenizer } = model.encoder.config;
  if (!isCount(dim) || dim === 0) throw new Error(`${where}: encoder dim must be a positive integer, not ${dim}`);
  if (!isCount(tokenizer.buckets) || tokenizer.buckets === 0) {
    throw new Error(`${where}: tokenizer buckets must be a positive integer, not ${tokenizer.buckets}`);
  }
  if (model.encoder.table.length !== tokenizer.buckets * dim) {
    throw new Error(`${where}: embedding table has ${model.encoder.table.length} values, expected ${tokenizer.buckets} buckets x ${dim} dims = ${tokenizer.buckets * dim}`);
  }
  if (model.head.dim !== dim) throw new Error(`${where}: head dim ${model.head.dim} differs from encoder dim ${dim}`);
  checkHead(model.head, model.labels.length, where);
}
