/**
 * Text to hashed feature ids, fastText style: words, word n-grams and the character n-grams of
 * each word wrapped in boundary marks, every feature hashed into `buckets`. No vocabulary, so the
 * tokenizer is fixed by its config and a model never meets an unknown word.
 */
import type { TokenizerConfig } from './model.js';

/** Word 1-2-grams and char 3-5-grams in 2^18 buckets, as fastText hashes them: the setting BENCHMARKS.md "Base classifier" measures. */
export const DEFAULT_TOKENIZER: Readonly<TokenizerConfig> = Object.freeze({
  buckets: 2 ** 18,
  wordNgrams: 2,
  charNgramMin: 3,
  charNgramMax: 5,
  hashSeed: 0,
});

/**
 * The id of a text with no words. Features hash into 1..buckets-1, so this row is learned from
 * empty texts only and the mean over a bag is always defined.
 */
export const EMPTY_BUCKET = 0;

/**
 * Letters, numbers and combining marks: the marks keep words of scripts such as Devanagari whole
 * (their vowel signs are marks, and NFKC does not fold them into the letters).
 */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

const BEGIN_WORD = 0x3c; // '<'
const END_WORD = 0x3e; // '>'

// Each feature family starts its hash from its own salt, so a word and a char n-gram that spell
// alike, or a bigram and a unigram, land in unrelated buckets.
const SALT_WORD = 0x2f6b1c35;
const SALT_WORD_NGRAM = 0x5bd1e995;
const SALT_CHAR_NGRAM = 0x1b873593;

export function validateTokenizerConfig(config: TokenizerConfig): void {
  const { buckets, wordNgrams, charNgramMin, charNgramMax, hashSeed } = config;
  const fail = (what: string) => {
    throw new RangeError(`Invalid tokenizer config: ${what} (${JSON.stringify(config)})`);
  };
  if (!Number.isInteger(buckets) || buckets < 2 || buckets > 2 ** 31 - 1) fail('buckets must be an integer in 2..2^31-1');
  if (!Number.isInteger(wordNgrams) || wordNgrams < 0) fail('wordNgrams must be an integer >= 0');
  if (!Number.isInteger(charNgramMin) || !Number.isInteger(charNgramMax)) fail('char n-gram lengths must be integers');
  const noCharNgrams = charNgramMin === 0 && charNgramMax === 0;
  if (!noCharNgrams && (charNgramMin < 1 || charNgramMax < charNgramMin)) fail('char n-grams need 1 <= charNgramMin <= charNgramMax, or 0 and 0 for none');
  if (wordNgrams === 0 && noCharNgrams) fail('no feature family is enabled');
  if (!Number.isInteger(hashSeed)) fail('hashSeed must be an integer');
}

/** murmur3's finaliser: every input bit affects every output bit, so `% buckets` sees them all. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** NFKC, lowercase, then the runs of letters, numbers and marks. */
export function words(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
}

/**
 * The feature ids of one text, in a fixed order (word n-grams by length, then each word's char
 * n-grams); repeated features repeat, so a bag's mean weighs them by count.
 */
export function tokenize(text: string, config: TokenizerConfig): Int32Array {
  return new Tokenizer(config).tokenize(text);
}

/** The bags of a whole dataset, through one tokenizer. */
export function tokenizeAll(texts: readonly string[], config: TokenizerConfig): Int32Array[] {
  const tokenizer = new Tokenizer(config);
  return texts.map((text) => tokenizer.tokenize(text));
}

/**
 * Reuses its scratch buffers across texts: tokenize a dataset through one instance.
 * Not safe to share between concurrent callers (there are none in a worker).
 */
export class Tokenizer {
  private readonly config: TokenizerConfig;
  private readonly wordSeed: number;
  private readonly charSeed: number;
  private readonly ngramSeeds: number[];
  private ids = new Int32Array(256);
  private count = 0;
  private wordHashes = new Int32Array(64);
  /** Code points of the current `<word>`, so n-grams never split a surrogate pair. */
  private codePoints = new Int32Array(64);

  constructor(config: TokenizerConfig) {
    validateTokenizerConfig(config);
    this.config = { ...config };
    const seed = config.hashSeed | 0;
    this.wordSeed = fmix32(seed ^ SALT_WORD);
    this.charSeed = fmix32(seed ^ SALT_CHAR_NGRAM);
    this.ngramSeeds = [];
    for (let n = 2; n <= config.wordNgrams; n++) this.ngramSeeds.push(fmix32(seed ^ Math.imul(SALT_WORD_NGRAM, n)));
  }

  tokenize(text: string): Int32Array {
    const found = words(text);
    this.count = 0;
    if (found.length === 0) return Int32Array.of(EMPTY_BUCKET);
    if (this.wordHashes.length < found.length) this.wordHashes = new Int32Array(found.length * 2);
    const wordHashes = this.wordHashes;
    for (let i = 0; i < found.length; i++) wordHashes[i] = this.hashWord(found[i]);
    const { wordNgrams, charNgramMin, charNgramMax } = this.config;
    if (wordNgrams >= 1) {
      for (let i = 0; i < found.length; i++) this.push(wordHashes[i]);
    }
    for (let n = 2; n <= wordNgrams; n++) {
      const seed = this.ngramSeeds[n - 2];
      for (let start = 0; start + n <= found.length; start++) {
        let h = seed;
        for (let k = 0; k < n; k++) h = fmix32(Math.imul(h ^ wordHashes[start + k], 0x9e3779b1));
        this.push(h);
      }
    }
    if (charNgramMax > 0) {
      for (const word of found) this.pushCharNgrams(word, charNgramMin, charNgramMax);
    }
    return this.ids.slice(0, this.count);
  }

  private hashWord(word: string): number {
    let h = this.wordSeed;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
    return fmix32(h);
  }

  /** fastText's subwords: n-grams of `<word>`, except a lone boundary mark. */
  private pushCharNgrams(word: string, min: number, max: number): void {
    if (this.codePoints.length < word.length + 2) this.codePoints = new Int32Array(word.length * 2 + 2);
    const points = this.codePoints;
    let length = 0;
    points[length++] = BEGIN_WORD;
    for (let i = 0; i < word.length; i++) {
      const point = word.codePointAt(i)!;
      if (point > 0xffff) i++;
      points[length++] = point;
    }
    points[length++] = END_WORD;
    for (let start = 0; start < length; start++) {
      let h = this.charSeed;
      const end = Math.min(length, start + max);
      for (let j = start; j < end; j++) {
        h = Math.imul(h ^ points[j], 0x01000193);
        const n = j - start + 1;
        if (n >= min && !(n === 1 && (start === 0 || j === length - 1))) this.push(fmix32(h));
      }
    }
  }

  private push(hash: number): void {
    if (this.count === this.ids.length) {
      const grown = new Int32Array(this.ids.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[this.count++] = 1 + ((hash >>> 0) % (this.config.buckets - 1));
  }
}
