/**
 * BERT's tokenizer, as transformers' (Python) BertTokenizer runs it: clean the text, put spaces
 * around CJK ideographs, split on whitespace, lowercase and strip accents per word, split off
 * punctuation, then cut each word into the longest WordPiece vocabulary entries from the left.
 *
 * Python works on code points, so everything here does too: a character outside the BMP is one
 * character for the 100-character word limit and is never cut in half by a piece. Character
 * classes come from the runtime's Unicode tables, which agree with Python's for every character
 * both Unicode versions have assigned.
 */
import { ModelImportError } from '../huggingface/import-error.js';

export interface WordPieceConfig {
  /** token -> id */
  vocab: ReadonlyMap<string, number>;
  /** max id + 1 */
  vocabSize: number;
  lowercase: boolean;
  /** Resolved already: Hugging Face's null means "same as lowercase". */
  stripAccents: boolean;
  /** Drop NUL, U+FFFD and control/format characters; whitespace becomes ' '. */
  cleanText: boolean;
  /** Spaces around CJK ideographs, so each is a word of its own. */
  handleChineseChars: boolean;
  unkToken: string;
  clsToken: string;
  sepToken: string;
  padToken: string;
  /** '##' for BERT */
  continuingSubwordPrefix: string;
  /** A longer word (in code points) is one unknown token. */
  maxInputCharsPerWord: number;
}

const REMOVED = 1;
const WHITESPACE = 2;
const CJK = 4;
const PUNCTUATION = 8;
const CLASSIFIED = 16;

// unicodedata.category tests of the basic tokenizer, compiled once.
const CONTROL_OR_FORMAT = /^[\p{Cc}\p{Cf}]$/u;
const SPACE_SEPARATOR = /^\p{Zs}$/u;
const PUNCTUATION_CATEGORY = /^\p{P}$/u;
const NONSPACING_MARKS = /\p{Mn}/gu;
/**
 * Python's str.split() separators (str.isspace), not JS's \s: they differ on U+001C-U+001F
 * (Python only) and U+FEFF (JS only). Cleaning leaves U+2028 and U+2029 in place, so the split
 * must know them either way.
 */
const PYTHON_WHITESPACE = /[\t\n\v\f\r\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

function isCjkIdeograph(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df)
    || (cp >= 0x2a700 && cp <= 0x2b73f) || (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b820 && cp <= 0x2ceaf)
    || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);
}

/** BERT counts ASCII symbols such as $ + < = > ^ ` | ~ as punctuation, though Unicode does not. */
function isAsciiPunctuation(cp: number): boolean {
  return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
}

function classify(char: string, cp: number): number {
  let flags = CLASSIFIED;
  const keptControl = cp === 0x09 || cp === 0x0a || cp === 0x0d;
  if (cp === 0 || cp === 0xfffd || (!keptControl && CONTROL_OR_FORMAT.test(char))) flags |= REMOVED;
  if (cp === 0x20 || keptControl || SPACE_SEPARATOR.test(char)) flags |= WHITESPACE;
  if (isCjkIdeograph(cp)) flags |= CJK;
  if (isAsciiPunctuation(cp) || PUNCTUATION_CATEGORY.test(char)) flags |= PUNCTUATION;
  return flags;
}

/** The BMP's classes, filled in as characters are met: texts are mostly a few hundred distinct ones. */
const bmpClasses = new Uint8Array(0x10000);

function classOf(char: string): number {
  const cp = char.codePointAt(0) as number;
  if (cp > 0xffff) return classify(char, cp);
  let flags = bmpClasses[cp];
  if (flags === 0) bmpClasses[cp] = flags = classify(char, cp);
  return flags;
}

export function checkSpecialTokens(config: WordPieceConfig, file?: string): void {
  const roles: Array<[string, string]> = [
    ['unknown', config.unkToken], ['classification', config.clsToken], ['separator', config.sepToken], ['padding', config.padToken],
  ];
  for (const [role, token] of roles) {
    if (!config.vocab.has(token)) {
      throw new ModelImportError('MALFORMED_TOKENIZER', `the vocabulary has no ${role} token ${JSON.stringify(token)}`, file);
    }
  }
}

export class WordPieceTokenizer {
  readonly padId: number;
  readonly clsId: number;
  readonly sepId: number;
  readonly unkId: number;
  /** No vocabulary entry is longer (in UTF-16 units), so longer candidates need no lookup. */
  private readonly longestEntry: number;

  constructor(private readonly config: WordPieceConfig) {
    checkSpecialTokens(config);
    const { vocab } = config;
    this.padId = vocab.get(config.padToken) as number;
    this.clsId = vocab.get(config.clsToken) as number;
    this.sepId = vocab.get(config.sepToken) as number;
    this.unkId = vocab.get(config.unkToken) as number;
    let longest = 0;
    for (const token of vocab.keys()) longest = Math.max(longest, token.length);
    this.longestEntry = longest;
  }

  /** ids of `[CLS] pieces[:maxLength-2] [SEP]`, as BertTokenizer with truncation gives them */
  encode(text: string, maxLength: number): Int32Array {
    if (!Number.isInteger(maxLength) || maxLength < 2) throw new RangeError(`maxLength must be an integer >= 2, got ${maxLength}`);
    const ids = [this.clsId];
    const limit = maxLength - 1; // room for [SEP]
    for (const word of this.cleanedWords(text)) {
      for (const token of this.basicTokens(word)) {
        this.appendPieces(token, ids);
        // Truncation keeps the first pieces, so the rest of the text need not be tokenized.
        if (ids.length >= limit) {
          ids.length = limit;
          ids.push(this.sepId);
          return Int32Array.from(ids);
        }
      }
    }
    ids.push(this.sepId);
    return Int32Array.from(ids);
  }

  encodeAll(texts: readonly string[], maxLength: number): Int32Array[] {
    return texts.map((text) => this.encode(text, maxLength));
  }

  /** clean_text and CJK spacing over the whole text, then Python's whitespace split. */
  private cleanedWords(text: string): string[] {
    const { cleanText, handleChineseChars } = this.config;
    let cleaned = '';
    for (const char of text) {
      const flags = classOf(char);
      if (cleanText && flags & REMOVED) continue;
      if (handleChineseChars && flags & CJK) cleaned += ` ${char} `;
      else if (cleanText && flags & WHITESPACE) cleaned += ' ';
      else cleaned += char;
    }
    return cleaned.split(PYTHON_WHITESPACE).filter((word) => word.length > 0);
  }

  /** One whitespace-separated word, lowercased and stripped per word (as Python does), split at punctuation. */
  private basicTokens(word: string): string[] {
    const { lowercase, stripAccents } = this.config;
    // Per word, not per text: lowercasing a final sigma depends on what follows it.
    if (lowercase) word = word.toLowerCase();
    if (stripAccents) word = word.normalize('NFD').replace(NONSPACING_MARKS, '');
    const tokens: string[] = [];
    let current = '';
    for (const char of word) {
      if (classOf(char) & PUNCTUATION) {
        if (current) tokens.push(current);
        tokens.push(char);
        current = '';
      } else {
        current += char;
      }
    }
    if (current) tokens.push(current);
    return tokens;
  }

  /** Greedy longest-match-first, on code-point boundaries; a word with an unmatchable rest is one [UNK]. */
  private appendPieces(token: string, ids: number[]): void {
    const { vocab, continuingSubwordPrefix, maxInputCharsPerWord } = this.config;
    const boundaries = [0];
    for (const char of token) boundaries.push(boundaries[boundaries.length - 1] + char.length);
    const chars = boundaries.length - 1;
    if (chars > maxInputCharsPerWord) {
      ids.push(this.unkId);
      return;
    }
    const firstPiece = ids.length;
    for (let start = 0; start < chars;) {
      const prefix = start === 0 ? '' : continuingSubwordPrefix;
      let id: number | undefined;
      let end = chars;
      for (; end > start; end--) {
        if (prefix.length + boundaries[end] - boundaries[start] > this.longestEntry) continue;
        id = vocab.get(prefix + token.slice(boundaries[start], boundaries[end]));
        if (id !== undefined) break;
      }
      if (id === undefined) {
        ids.length = firstPiece;
        ids.push(this.unkId);
        return;
      }
      ids.push(id);
      start = end;
    }
  }
}
