// Measures the embedding-bag encoder's training step, part by part, on a dataset's texts:
//   node dist/bench/encoder.js <clinc150.csv> [batch]
// Per batch: tokenize, forward (mean of rows), backward (sparse gradient), sparse Adam step, with
// the default tokenizer and 128 dims. The head is not included: dFeatures are random.
// Single-threaded; on a shared machine the numbers move with the load.
import { readFileSync } from 'node:fs';
import { parseCsv } from '../src/data/csv.js';
import { EmbeddingBagBackward, embedBags, initialiseTable } from '../src/training/embedding-bag.js';
import type { EmbeddingBagConfig } from '../src/training/model.js';
import { Random } from '../src/training/random.js';
import { SparseAdam } from '../src/training/sparse-adam.js';
import { DEFAULT_TOKENIZER, Tokenizer } from '../src/training/tokenizer.js';

const [csvPath, batchArgument] = process.argv.slice(2);
if (!csvPath) throw new Error('usage: node dist/bench/encoder.js <dataset.csv with a text column> [batch]');
const batch = Number(batchArgument ?? 64);
const config: EmbeddingBagConfig = { kind: 'embedding-bag',
    layerNorm: false, dim: 128, tokenizer: DEFAULT_TOKENIZER };
const { dim } = config;

const [header, ...records] = parseCsv(readFileSync(csvPath, 'utf8'));
const textColumn = header.fields.indexOf('text');
const texts = records.map((record) => record.fields[textColumn]);
const random = new Random(1);
random.shuffle(texts);

function time<T>(run: () => T): [T, number] {
  const start = performance.now();
  const result = run();
  return [result, performance.now() - start];
}

const tokenizer = new Tokenizer(config.tokenizer);
const [allBags, tokenizeAllMs] = time(() => texts.map((text) => tokenizer.tokenize(text)));
const ids = allBags.reduce((sum, bag) => sum + bag.length, 0);
console.log(`${texts.length} texts, ${(ids / texts.length).toFixed(1)} ids per text; tokenize all: ${tokenizeAllMs.toFixed(0)} ms`);
const [table, initMs] = time(() => initialiseTable(config, random.fork('table')));
const [adam, adamAllocMs] = time(() => new SparseAdam(table.length));
console.log(`table ${config.tokenizer.buckets} x ${dim}: initialise ${initMs.toFixed(0)} ms, Adam state ${adamAllocMs.toFixed(0)} ms`);

const backward = new EmbeddingBagBackward(config.tokenizer.buckets, dim);
const features = new Float32Array(batch * dim);
const dFeatures = Float32Array.from({ length: batch * dim }, () => random.normal() * 1e-3);
const totals = { tokenize: 0, forward: 0, backward: 0, adam: 0 };
let rows = 0;
let batches = 0;
// Two passes over the texts: the first warms the JIT and is not counted.
for (let pass = 0; pass < 2; pass++) {
  for (let start = 0; start + batch <= texts.length; start += batch) {
    const [bags, tokenizeMs] = time(() => texts.slice(start, start + batch).map((text) => tokenizer.tokenize(text)));
    const [, forwardMs] = time(() => embedBags(table, dim, bags, features));
    const [gradient, backwardMs] = time(() => backward.backward(bags, dFeatures));
    const [, adamMs] = time(() => adam.step(table, gradient, 0.01));
    if (pass === 0) continue;
    totals.tokenize += tokenizeMs;
    totals.forward += forwardMs;
    totals.backward += backwardMs;
    totals.adam += adamMs;
    rows += gradient.rows.length;
    batches++;
  }
}
const total = totals.tokenize + totals.forward + totals.backward + totals.adam;
console.log(`batch ${batch}: ${(rows / batches).toFixed(0)} distinct rows per batch on average, ${batches} batches timed`);
for (const [part, ms] of Object.entries(totals)) console.log(`  ${part.padEnd(10)} ${(ms / batches).toFixed(3).padStart(8)} ms/batch`);
console.log(`  ${'total'.padEnd(10)} ${(total / batches).toFixed(3).padStart(8)} ms/batch  ${((batches * batch) / (total / 1000)).toFixed(0)} examples/s`);
