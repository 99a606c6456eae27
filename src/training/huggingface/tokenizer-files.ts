/**
 * A BERT WordPiece tokenizer from the files `save_pretrained` writes. tokenizer.json wins when
 * present, as it does for transformers' fast tokenizer; otherwise vocab.txt, configured by
 * tokenizer_config.json and special_tokens_map.json, as for the Python BertTokenizer.
 */
import { checkSpecialTokens, type WordPieceConfig } from '../bert/wordpiece.js';
import { preview } from '../messages.js';
import { ModelImportError } from './import-error.js';

export interface TokenizerFiles {
  tokenizerJson?: string;
  vocabTxt?: string;
  tokenizerConfigJson?: string;
  specialTokensMapJson?: string;
}

export interface TokenizerFromFiles {
  config: WordPieceConfig;
  /** tokenizer_config.json's model_max_length, or null when it has none (or transformers' 1e30 "no limit"). */
  modelMaxLength: number | null;
  source: 'tokenizer.json' | 'vocab.txt';
}

type JsonObject = Record<string, unknown>;

const TOKENIZER_JSON = 'tokenizer.json';
const VOCAB_TXT = 'vocab.txt';
const TOKENIZER_CONFIG = 'tokenizer_config.json';
const SPECIAL_TOKENS_MAP = 'special_tokens_map.json';

const DEFAULT_SPECIAL_TOKENS = { unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]' } as const;
type SpecialTokenKey = keyof typeof DEFAULT_SPECIAL_TOKENS;
const DEFAULT_PREFIX = '##';
const DEFAULT_MAX_INPUT_CHARS_PER_WORD = 100;
/** Larger limits are "none": transformers writes int(1e30) when a checkpoint sets no limit. */
const LARGEST_MODEL_MAX_LENGTH = 2 ** 31 - 1;
/** Ids (and so the vocabulary size) must fit the Int32Array of an encoded text. */
const TOKEN_ID_LIMIT = 2 ** 31 - 1;

const SUPPORTED = 'only BERT WordPiece tokenizers are supported';

export function readTokenizerFiles(files: TokenizerFiles): TokenizerFromFiles {
  if (files.tokenizerJson === undefined && files.vocabTxt === undefined) {
    throw new ModelImportError(
      'NO_TOKENIZER',
      'the folder has no tokenizer: add tokenizer.json, or vocab.txt with tokenizer_config.json (tokenizer.save_pretrained writes them)',
    );
  }
  const tokenizerConfig = files.tokenizerConfigJson === undefined ? {} : parseObject(files.tokenizerConfigJson, TOKENIZER_CONFIG);
  const specialTokensMap = files.specialTokensMapJson === undefined ? {} : parseObject(files.specialTokensMapJson, SPECIAL_TOKENS_MAP);
  const modelMaxLength = readModelMaxLength(tokenizerConfig);
  // Both files are read whole, so a malformed entry is reported even where the other file decides.
  const configured = readSpecialTokens(tokenizerConfig, TOKENIZER_CONFIG);
  const mapped = readSpecialTokens(specialTokensMap, SPECIAL_TOKENS_MAP);
  const specialToken = (key: SpecialTokenKey) => configured[key] ?? mapped[key] ?? DEFAULT_SPECIAL_TOKENS[key];
  const [config, source] = files.tokenizerJson !== undefined
    ? [fromTokenizerJson(parseObject(files.tokenizerJson, TOKENIZER_JSON), tokenizerConfig, specialToken), TOKENIZER_JSON] as const
    : [fromVocabTxt(files.vocabTxt as string, tokenizerConfig, specialToken), VOCAB_TXT] as const;
  checkSpecialTokens(config, source);
  return { config, modelMaxLength, source };
}

function fromVocabTxt(text: string, tokenizerConfig: JsonObject, specialToken: (key: SpecialTokenKey) => string): WordPieceConfig {
  // Python reads the file in text mode: \r\n and a lone \r end lines too. A repeated line keeps
  // its last number, as the dict BertTokenizer builds does.
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new ModelImportError('MALFORMED_TOKENIZER', 'vocab.txt is empty', VOCAB_TXT);
  const vocab = new Map(lines.map((token, id) => [token, id]));
  const lowercase = optionalBoolean(tokenizerConfig, 'do_lower_case', TOKENIZER_CONFIG) ?? true;
  return {
    vocab,
    vocabSize: lines.length,
    lowercase,
    stripAccents: optionalBoolean(tokenizerConfig, 'strip_accents', TOKENIZER_CONFIG) ?? lowercase,
    cleanText: true,
    handleChineseChars: optionalBoolean(tokenizerConfig, 'tokenize_chinese_chars', TOKENIZER_CONFIG) ?? true,
    unkToken: specialToken('unk_token'),
    clsToken: specialToken('cls_token'),
    sepToken: specialToken('sep_token'),
    padToken: specialToken('pad_token'),
    continuingSubwordPrefix: DEFAULT_PREFIX,
    maxInputCharsPerWord: DEFAULT_MAX_INPUT_CHARS_PER_WORD,
  };
}

function fromTokenizerJson(json: JsonObject, tokenizerConfig: JsonObject, specialToken: (key: SpecialTokenKey) => string): WordPieceConfig {
  const model = requireComponent(json, 'model', 'WordPiece');
  const normalizer = requireComponent(json, 'normalizer', 'BertNormalizer');
  requireComponent(json, 'pre_tokenizer', 'BertPreTokenizer');
  const { vocab, vocabSize } = readVocabObject(model.vocab);
  const normalizerSetting = (key: string) => optionalBoolean(normalizer, key, TOKENIZER_JSON, 'normalizer.');
  const configSetting = (key: string) => optionalBoolean(tokenizerConfig, key, TOKENIZER_CONFIG);
  const settings = {
    lowercase: normalizerSetting('lowercase'), stripAccents: normalizerSetting('strip_accents'),
    handleChineseChars: normalizerSetting('handle_chinese_chars'), cleanText: normalizerSetting('clean_text'),
  };
  // transformers' BertTokenizerFast rebuilds the normalizer from tokenizer_config.json's values
  // where they are given, so those win over tokenizer.json's.
  const lowercase = configSetting('do_lower_case') ?? settings.lowercase ?? true;
  const stripAccents = configSetting('strip_accents') ?? settings.stripAccents ?? lowercase;
  const handleChineseChars = configSetting('tokenize_chinese_chars') ?? settings.handleChineseChars ?? true;
  const maxInputCharsPerWord = model.max_input_chars_per_word ?? DEFAULT_MAX_INPUT_CHARS_PER_WORD;
  if (typeof maxInputCharsPerWord !== 'number' || !Number.isSafeInteger(maxInputCharsPerWord) || maxInputCharsPerWord < 1) {
    throw malformed(TOKENIZER_JSON, 'model.max_input_chars_per_word', 'a positive integer', maxInputCharsPerWord);
  }
  const specials = readPostProcessorSpecials(json.post_processor, vocab);
  return {
    vocab,
    vocabSize,
    lowercase,
    stripAccents,
    cleanText: settings.cleanText ?? true,
    handleChineseChars,
    unkToken: optionalString(model, 'unk_token', TOKENIZER_JSON, 'model.') ?? DEFAULT_SPECIAL_TOKENS.unk_token,
    clsToken: specials?.cls ?? specialToken('cls_token'),
    sepToken: specials?.sep ?? specialToken('sep_token'),
    padToken: readPaddingToken(json.padding) ?? specialToken('pad_token'),
    continuingSubwordPrefix: optionalString(model, 'continuing_subword_prefix', TOKENIZER_JSON, 'model.') ?? DEFAULT_PREFIX,
    maxInputCharsPerWord,
  };
}

/** The `type` of tokenizer.json's `key` component must be `expected`: any other pipeline encodes differently. */
function requireComponent(json: JsonObject, key: string, expected: string): JsonObject {
  const component = json[key];
  const type = isObject(component) ? component.type : undefined;
  if (!isObject(component) || type !== expected) {
    const found = component === undefined || component === null ? 'none' : typeof type === 'string' ? type : preview(component);
    throw new ModelImportError(
      'MALFORMED_TOKENIZER',
      `tokenizer.json's ${key} is ${found}, not ${expected}: ${SUPPORTED}`,
      TOKENIZER_JSON,
    );
  }
  return component;
}

function readVocabObject(value: unknown): { vocab: Map<string, number>; vocabSize: number } {
  if (!isObject(value)) throw malformed(TOKENIZER_JSON, 'model.vocab', 'an object of token: id', value);
  const vocab = new Map<string, number>();
  let vocabSize = 0;
  for (const [token, id] of Object.entries(value)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= TOKEN_ID_LIMIT) {
      throw malformed(TOKENIZER_JSON, `model.vocab[${JSON.stringify(token)}]`, 'a non-negative integer id', id);
    }
    vocab.set(token, id);
    vocabSize = Math.max(vocabSize, id + 1);
  }
  if (vocab.size === 0) throw new ModelImportError('MALFORMED_TOKENIZER', 'tokenizer.json: model.vocab is empty', TOKENIZER_JSON);
  return { vocab, vocabSize };
}

/**
 * [CLS] and [SEP] as the post-processor adds them, or null when there is no post-processor.
 * Headroom always encodes `[CLS] text [SEP]`, so any other template is refused.
 */
function readPostProcessorSpecials(value: unknown, vocab: ReadonlyMap<string, number>): { cls: string; sep: string } | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw malformed(TOKENIZER_JSON, 'post_processor', 'an object', value);
  if (value.type === 'BertProcessing') {
    return { cls: readTokenIdPair(value.cls, 'post_processor.cls', vocab), sep: readTokenIdPair(value.sep, 'post_processor.sep', vocab) };
  }
  if (value.type === 'TemplateProcessing') return readTemplateSpecials(value, vocab);
  throw new ModelImportError(
    'MALFORMED_TOKENIZER',
    `tokenizer.json's post_processor is ${typeof value.type === 'string' ? value.type : 'of no type'}, not BertProcessing or TemplateProcessing: ${SUPPORTED}`,
    TOKENIZER_JSON,
  );
}

function readTokenIdPair(value: unknown, key: string, vocab: ReadonlyMap<string, number>): string {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string' || typeof value[1] !== 'number') {
    throw malformed(TOKENIZER_JSON, key, 'a [token, id] pair', value);
  }
  checkSpecialId(value[0], value[1], key, vocab);
  return value[0];
}

function readTemplateSpecials(processor: JsonObject, vocab: ReadonlyMap<string, number>): { cls: string; sep: string } {
  const single = processor.single;
  const pieceKind = (piece: unknown) => (isObject(piece) ? Object.keys(piece).join('+') : '');
  if (!Array.isArray(single) || single.length !== 3 || pieceKind(single[0]) !== 'SpecialToken'
    || pieceKind(single[1]) !== 'Sequence' || pieceKind(single[2]) !== 'SpecialToken') {
    throw new ModelImportError(
      'MALFORMED_TOKENIZER',
      `tokenizer.json: post_processor.single must be [special token, sequence, special token] as BERT's is, got ${preview(single)}`,
      TOKENIZER_JSON,
    );
  }
  const specialTokens = processor.special_tokens;
  if (!isObject(specialTokens)) throw malformed(TOKENIZER_JSON, 'post_processor.special_tokens', 'an object', specialTokens);
  const resolve = (piece: JsonObject): string => {
    const name = (piece.SpecialToken as JsonObject | null)?.id;
    const key = `post_processor.special_tokens[${JSON.stringify(name)}]`;
    const entry = typeof name === 'string' ? specialTokens[name] : undefined;
    if (!isObject(entry) || !Array.isArray(entry.tokens) || entry.tokens.length !== 1 || typeof entry.tokens[0] !== 'string'
      || !Array.isArray(entry.ids) || entry.ids.length !== 1 || typeof entry.ids[0] !== 'number') {
      throw malformed(TOKENIZER_JSON, key, 'one token with one id', entry);
    }
    checkSpecialId(entry.tokens[0], entry.ids[0], key, vocab);
    return entry.tokens[0];
  };
  return { cls: resolve(single[0]), sep: resolve(single[2]) };
}

/** The post-processor adds its own ids: they must be the vocabulary's, which the model was trained with. */
function checkSpecialId(token: string, id: number, key: string, vocab: ReadonlyMap<string, number>): void {
  const vocabId = vocab.get(token);
  if (vocabId !== undefined && vocabId !== id) {
    throw new ModelImportError(
      'MALFORMED_TOKENIZER',
      `tokenizer.json: ${key} gives ${JSON.stringify(token)} id ${id}, but the vocabulary gives it ${vocabId}`,
      TOKENIZER_JSON,
    );
  }
}

function readPaddingToken(padding: unknown): string | undefined {
  if (padding === undefined || padding === null) return undefined;
  if (!isObject(padding)) throw malformed(TOKENIZER_JSON, 'padding', 'an object or null', padding);
  return optionalString(padding, 'pad_token', TOKENIZER_JSON, 'padding.');
}

/** Special tokens as tokenizer_config.json or special_tokens_map.json spell them: strings or AddedToken objects. */
function readSpecialTokens(json: JsonObject, file: string): Partial<Record<SpecialTokenKey, string>> {
  const tokens: Partial<Record<SpecialTokenKey, string>> = {};
  for (const key of Object.keys(DEFAULT_SPECIAL_TOKENS) as SpecialTokenKey[]) {
    const value = json[key];
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') tokens[key] = value;
    else if (isObject(value) && typeof value.content === 'string') tokens[key] = value.content;
    else throw malformed(file, key, 'a string or an object with a "content" string', value);
  }
  return tokens;
}

function readModelMaxLength(tokenizerConfig: JsonObject): number | null {
  const value = tokenizerConfig.model_max_length;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw malformed(TOKENIZER_CONFIG, 'model_max_length', 'a positive integer', value);
  }
  return value > LARGEST_MODEL_MAX_LENGTH ? null : value;
}

function parseObject(text: string, file: string): JsonObject {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelImportError('MALFORMED_TOKENIZER', `${file} is not JSON (${(error as Error).message})`, file);
  }
  if (!isObject(json)) throw new ModelImportError('MALFORMED_TOKENIZER', `${file} is not a JSON object`, file);
  return json;
}

function optionalBoolean(json: JsonObject, key: string, file: string, path = ''): boolean | undefined {
  const value = json[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw malformed(file, path + key, 'true, false or null', value);
  return value;
}

function optionalString(json: JsonObject, key: string, file: string, path = ''): string | undefined {
  const value = json[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw malformed(file, path + key, 'a string', value);
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(file: string, key: string, expected: string, value: unknown): ModelImportError {
  return new ModelImportError('MALFORMED_TOKENIZER', `${file}: ${key} must be ${expected}, got ${preview(value)}`, file);
}
