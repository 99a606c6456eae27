import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BertEncoder } from '../training/bert/bert-encoder.js';
import { encodeTokens, tokenizeTexts } from '../training/encoders.js';
import { headLogits, readHuggingFaceFolder } from '../training/index.js';
import { Classifier } from '../training/model.js';
import { ReferenceScript, requireReferenceScript, runReferenceScript } from './reference-script.js';
import { readReferenceTexts } from './reference-texts.js';

export interface ParityRoute {
  route: 'tokenizer.json' | 'vocab.txt';
  texts: number;
  /** Texts whose token ids differ from the reference's. */
  idMismatches: number;
  maxPooledDifference: number;
  maxLogitDifference: number;
}

/**
 * The same Hugging Face folder and texts through the PyTorch reference (`logits`) and through
 * Headroom, by each tokenizer route the folder has: token ids compared exactly, pooled features
 * and logits by max absolute difference. Exported folders are checked the same way.
 */
export async function bertParity(options: { model: string; texts: string; reference: ReferenceScript }): Promise<ParityRoute[]> {
  requireReferenceScript(options.reference);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-parity-'));
  try {
    const outputs = path.join(scratch, 'reference.json');
    await runReferenceScript(options.reference, ['logits', '--model', options.model, '--texts', options.texts, '--json', outputs]);
    const expected = JSON.parse(fs.readFileSync(outputs, 'utf8')) as Array<{ ids: number[]; pooled: number[]; logits: number[] }>;
    const texts = readReferenceTexts(options.texts);
    if (texts.length !== expected.length) throw new Error(`the reference kept ${expected.length} texts of ${options.texts}, Headroom read ${texts.length}`);
    const routes: ParityRoute[] = [compare(await readHuggingFaceFolder(options.model), texts, expected)];
    if (fs.existsSync(path.join(options.model, 'tokenizer.json')) && fs.existsSync(path.join(options.model, 'vocab.txt'))) {
      const vocabOnly = path.join(scratch, 'vocab-only');
      fs.cpSync(options.model, vocabOnly, { recursive: true, filter: (source) => path.basename(source) !== 'tokenizer.json' });
      routes.push(compare(await readHuggingFaceFolder(vocabOnly), texts, expected));
    }
    return routes;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function compare(model: Classifier<BertEncoder>, texts: string[], expected: Array<{ ids: number[]; pooled: number[]; logits: number[] }>): ParityRoute {
  const tokens = tokenizeTexts(model.encoder, texts);
  const features = encodeTokens(model.encoder, tokens);
  const logits = headLogits(features, model.head);
  const maxDifference = (actual: Float32Array, rows: number[][]) =>
    rows.reduce((max, row, r) => row.reduce((m, value, c) => Math.max(m, Math.abs(actual[r * row.length + c] - value)), max), 0);
  return {
    route: model.encoder.config.tokenizer.source,
    texts: texts.length,
    idMismatches: expected.filter((e, i) => e.ids.length !== tokens[i].length || e.ids.some((id, j) => id !== tokens[i][j])).length,
    maxPooledDifference: maxDifference(features, expected.map((e) => e.pooled)),
    maxLogitDifference: maxDifference(logits, expected.map((e) => e.logits)),
  };
}
