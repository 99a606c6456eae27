import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TokenizerConfig } from '../src/training/model.js';
import { DEFAULT_TOKENIZER, EMPTY_BUCKET, Tokenizer, tokenize, tokenizeAll, validateTokenizerConfig, words } from '../src/training/tokenizer.js';

const BIG = 2 ** 24;
const config = (overrides: Partial<TokenizerConfig>): TokenizerConfig => ({ ...DEFAULT_TOKENIZER, buckets: BIG, ...overrides });
const WORDS_ONLY = config({ wordNgrams: 1, charNgramMin: 0, charNgramMax: 0 });
const CHARS_ONLY = (min: number, max: number) => config({ wordNgrams: 0, charNgramMin: min, charNgramMax: max });

test('the default is word 1-2-grams and char 3-5-grams in 2^18 buckets', () => {
  assert.deepEqual({ ...DEFAULT_TOKENIZER }, { buckets: 2 ** 18, wordNgrams: 2, charNgramMin: 3, charNgramMax: 5, hashSeed: 0 });
  assert.throws(() => { (DEFAULT_TOKENIZER as TokenizerConfig).buckets = 3; });
});

test('words: NFKC, lowercase, runs of letters, numbers and marks', () => {
  assert.deepEqual(words("Héllo, WORLD! ﬁne ２０２０ don't"), ['héllo', 'world', 'fine', '2020', 'don', 't']);
  // A decomposed é (e + combining acute) composes under NFKC, so both spellings are one word.
  assert.deepEqual(words('Cafe\u0301 café'), ['café', 'café']);
  // Devanagari vowel signs are marks: the word stays whole.
  assert.deepEqual(words('नमस्ते दुनिया'), ['नमस्ते', 'दुनिया']);
  assert.deepEqual(words('  \t..!?-- '), []);
  assert.deepEqual(words('a_b-c/d'), ['a', 'b', 'c', 'd']);
});

test('feature counts: words, word n-grams, and fastText char n-grams of <word>', () => {
  // <hello> has 7 code points: 5 + 4 + 3 char 3-5-grams; likewise <world>; plus 2 words, 1 bigram.
  assert.equal(tokenize('hello world', config({})).length, 2 + 1 + 12 + 12);
  assert.equal(tokenize('a b c d', config({ wordNgrams: 3, charNgramMin: 0, charNgramMax: 0 })).length, 4 + 3 + 2);
  // Char 1-grams leave out the lone boundary marks: <ab> gives a and b only.
  assert.equal(tokenize('ab', CHARS_ONLY(1, 1)).length, 2);
  // <hi> is itself a 4-gram.
  assert.equal(tokenize('hi', config({})).length, 1 + 2 + 1);
  // An astral letter is one code point: <𠀀a> has 4, so two 3-grams (UTF-16 would give three).
  assert.equal(tokenize('𠀀a', CHARS_ONLY(3, 3)).length, 2);
});

test('features come in order (word n-grams by length, then char n-grams word by word) and repeat', () => {
  const full = tokenize('hello world', config({}));
  const unigrams = tokenize('hello world', WORDS_ONLY);
  assert.deepEqual(full.subarray(0, 2), unigrams);
  const hello = tokenize('hello', CHARS_ONLY(3, 5));
  const world = tokenize('world', CHARS_ONLY(3, 5));
  assert.deepEqual(Array.from(full.subarray(3)), [...hello, ...world]);
  // Swapping the words keeps unigrams and char n-grams but changes the bigram.
  const swapped = tokenize('world hello', config({}));
  assert.deepEqual([...swapped.subarray(0, 2)].reverse(), [...unigrams]);
  assert.notEqual(swapped[2], full[2]);
  // <ab is shared by abc and abd; a repeated word repeats all its features.
  const shared = tokenize('abc abd', CHARS_ONLY(3, 3));
  assert.equal(shared.length, 6);
  assert.equal(shared[0], shared[3]);
  assert.equal(new Set(shared).size, 5);
  assert.deepEqual(tokenize('ok ok', WORDS_ONLY), Int32Array.of(tokenize('ok', WORDS_ONLY)[0], tokenize('ok', WORDS_ONLY)[0]));
});

test('texts that normalise alike tokenize alike', () => {
  const expected = tokenize('hello world', config({}));
  assert.deepEqual(tokenize('  Ｈｅｌｌｏ,   WORLD!! ', config({})), expected);
  assert.deepEqual(tokenize('HELLO\nworld.', config({})), expected);
});

test('a word, a char n-gram and a word bigram that spell alike get different ids', () => {
  const word = tokenize('abc', WORDS_ONLY)[0];
  // xabcx has the char 3-gram abc.
  const charNgrams = tokenize('xabcx', CHARS_ONLY(3, 3));
  assert.equal(charNgrams.length, 5);
  assert.ok(!charNgrams.includes(word));
  const bigram = tokenize('a b', config({ charNgramMin: 0, charNgramMax: 0 }))[2];
  assert.ok(!tokenize('a b', WORDS_ONLY).includes(bigram));
});

test('empty and punctuation-only texts give the empty id alone; other features never do', () => {
  for (const text of ['', '   ', '?!...', '-- // --']) assert.deepEqual(tokenize(text, DEFAULT_TOKENIZER), Int32Array.of(EMPTY_BUCKET));
  const small = config({ buckets: 5 });
  const ids = tokenizeAll(Array.from({ length: 300 }, (_, i) => `text number ${i} w${i * 7}`), small);
  const seen = new Set(ids.flatMap((bag) => [...bag]));
  assert.deepEqual([...seen].sort(), [1, 2, 3, 4]);
});

test('ids spread evenly over the buckets', () => {
  const buckets = 13;
  const counts = new Array(buckets).fill(0);
  const tokenizer = new Tokenizer(config({ buckets: buckets + 1, wordNgrams: 1, charNgramMin: 0, charNgramMax: 0 }));
  const n = 26_000;
  for (let i = 0; i < n; i++) counts[tokenizer.tokenize(`w${i}`)[0] - 1]++;
  // Chi-square with 12 degrees of freedom: 32.9 is its 0.999 quantile.
  const expected = n / buckets;
  const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
  assert.ok(chiSquare < 32.9, `chi-square ${chiSquare} for ${counts}`);
});

test('the hash seed changes every id; the same seed keeps them', () => {
  const a = tokenize('book a flight to paris', config({ hashSeed: 1 }));
  const b = tokenize('book a flight to paris', config({ hashSeed: 2 }));
  assert.deepEqual(a, tokenize('book a flight to paris', config({ hashSeed: 1 })));
  assert.equal(a.length, b.length);
  assert.ok(a.every((id, i) => id !== b[i]));
});

test('a reused tokenizer gives what a fresh one gives, long texts then short', () => {
  const texts = [Array.from({ length: 400 }, (_, i) => `word${i}`).join(' '), 'short one', '', 'x'];
  const tokenizer = new Tokenizer(DEFAULT_TOKENIZER);
  const reused = texts.map((text) => tokenizer.tokenize(text));
  assert.deepEqual(reused, texts.map((text) => tokenize(text, DEFAULT_TOKENIZER)));
  assert.deepEqual(tokenizeAll(texts, DEFAULT_TOKENIZER), reused);
  assert.equal(reused[0].length, 400 + 399 + tokenizeAll(texts[0].split(' '), CHARS_ONLY(3, 5)).reduce((n, bag) => n + bag.length, 0));
  // Ids stay inside the table.
  for (const bag of reused) assert.ok(bag.every((id) => id >= 0 && id < DEFAULT_TOKENIZER.buckets));
});

test('invalid configs are refused', () => {
  const bad: Partial<TokenizerConfig>[] = [
    { buckets: 1 }, { buckets: 2.5 }, { wordNgrams: -1 }, { charNgramMin: 4, charNgramMax: 3 },
    { charNgramMin: 0, charNgramMax: 3 }, { wordNgrams: 0, charNgramMin: 0, charNgramMax: 0 }, { hashSeed: 0.5 },
  ];
  for (const overrides of bad) {
    assert.throws(() => validateTokenizerConfig(config(overrides)), /Invalid tokenizer config/);
    assert.throws(() => new Tokenizer(config(overrides)), /Invalid tokenizer config/);
  }
  validateTokenizerConfig(config({ wordNgrams: 0 }));
  validateTokenizerConfig(config({ charNgramMin: 0, charNgramMax: 0 }));
});
