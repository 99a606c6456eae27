import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WordPieceTokenizer, type WordPieceConfig } from '../src/training/bert/wordpiece.js';
import { ModelImportError } from '../src/training/huggingface/import-error.js';
import { readTokenizerFiles, type TokenizerFiles } from '../src/training/huggingface/tokenizer-files.js';
import { BERT_FIXTURES, readExpected, readTexts } from './support/bert-fixtures.js';

/** The tokenizer files of a folder, as an importer would hand them over. */
function folderFiles(folder: string): TokenizerFiles {
  const read = (name: string) => (fs.existsSync(path.join(folder, name)) ? fs.readFileSync(path.join(folder, name), 'utf8') : undefined);
  return {
    tokenizerJson: read('tokenizer.json'),
    vocabTxt: read('vocab.txt'),
    tokenizerConfigJson: read('tokenizer_config.json'),
    specialTokensMapJson: read('special_tokens_map.json'),
  };
}

/** A copy of a fixture folder without tokenizer.json, so the vocab.txt route is taken. */
function withoutTokenizerJson(name: string): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'headroom-wordpiece-'));
  fs.cpSync(path.join(BERT_FIXTURES, name), folder, { recursive: true, filter: (source) => path.basename(source) !== 'tokenizer.json' });
  return folder;
}

function assertReferenceIds(files: TokenizerFiles, expectedName: string, source: 'tokenizer.json' | 'vocab.txt'): void {
  const read = readTokenizerFiles(files);
  assert.equal(read.source, source);
  assert.equal(read.modelMaxLength, 24);
  const tokenizer = new WordPieceTokenizer(read.config);
  const expected = readExpected(expectedName);
  const encoded = tokenizer.encodeAll(readTexts(), 24);
  assert.equal(encoded.length, expected.length);
  expected.forEach(({ text, ids }, i) => assert.deepEqual([...encoded[i]], ids, `text ${i}: ${JSON.stringify(text)}`));
}

test('texts.txt reads as the reference read it', () => {
  assert.deepEqual(readTexts(), readExpected('tiny').map(({ text }) => text));
});

test('tokenizer.json gives the reference ids for every text', () => {
  assertReferenceIds(folderFiles(path.join(BERT_FIXTURES, 'tiny')), 'tiny', 'tokenizer.json');
});

test('vocab.txt with tokenizer_config.json gives the reference ids for every text', () => {
  const folder = withoutTokenizerJson('tiny');
  try {
    assertReferenceIds(folderFiles(folder), 'tiny', 'vocab.txt');
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('a cased tokenizer gives the reference ids by both routes', () => {
  assertReferenceIds(folderFiles(path.join(BERT_FIXTURES, 'tiny-cased')), 'tiny-cased', 'tokenizer.json');
  const folder = withoutTokenizerJson('tiny-cased');
  try {
    assertReferenceIds(folderFiles(folder), 'tiny-cased', 'vocab.txt');
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('the half-precision fixtures share the tiny tokenizer', () => {
  for (const name of ['tiny-f16', 'tiny-bf16']) assertReferenceIds(folderFiles(path.join(BERT_FIXTURES, name)), name, 'vocab.txt');
});

// ------------------------------------------------------------------ tricky strings, ids written out

const TRICKY_VOCAB = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', 'cafe', 'σ', '##α', '##ς', '𝐀', '##𝐀', 'a', 'b', '$', '我', 'un', '##aff', '##affable',
  'i', 'straße', 'strasse', 'ab',
];

function trickyTokenizer(overrides: Partial<WordPieceConfig> = {}): WordPieceTokenizer {
  return new WordPieceTokenizer({
    vocab: new Map(TRICKY_VOCAB.map((token, id) => [token, id])),
    vocabSize: TRICKY_VOCAB.length,
    lowercase: true,
    stripAccents: true,
    cleanText: true,
    handleChineseChars: true,
    unkToken: '[UNK]',
    clsToken: '[CLS]',
    sepToken: '[SEP]',
    padToken: '[PAD]',
    continuingSubwordPrefix: '##',
    maxInputCharsPerWord: 100,
    ...overrides,
  });
}

test('tricky strings give the ids BertTokenizer gives', () => {
  const tokenizer = trickyTokenizer();
  const ids = (text: string, maxLength = 512) => [...tokenizer.encode(text, maxLength)];
  // Accents stripped after lowercasing; a final sigma lowercases to ς, others to σ.
  assert.deepEqual(ids('CAFÉ ΣΑΣ'), [2, 4, 5, 6, 7, 3]);
  // İ lowercases to i + U+0307, whose dot is then stripped; ß stays ß.
  assert.deepEqual(ids('İ Straße STRASSE'), [2, 17, 18, 19, 3]);
  // Greedy longest match; a word whose rest matches nothing is a single [UNK].
  assert.deepEqual(ids('unaffable unaffx'), [2, 14, 16, 1, 3]);
  // '$' is punctuation to BERT (not to Unicode); CJK ideographs are words of their own.
  assert.deepEqual(ids('a$b 我a'), [2, 10, 12, 11, 13, 10, 3]);
  // U+2028 splits words as Python's str.split() does; U+FEFF and U+001C are removed, joining them.
  assert.deepEqual(ids('a\u2028b a\ufeffb a\u001cb'), [2, 10, 11, 20, 20, 3]);
  // Only control and format characters: nothing between [CLS] and [SEP].
  assert.deepEqual(ids('\u200b\u0000\u00ad'), [2, 3]);
  // Truncation keeps [CLS] the first maxLength-2 pieces [SEP].
  assert.deepEqual(ids('a b a b a', 4), [2, 10, 11, 3]);
});

test('word lengths are counted in code points, not UTF-16 units', () => {
  const tokenizer = trickyTokenizer();
  // 100 astral characters are 200 UTF-16 units but within the 100-character limit.
  assert.deepEqual([...tokenizer.encode('𝐀'.repeat(100), 512)], [2, 8, ...new Array(99).fill(9), 3]);
  assert.deepEqual([...tokenizer.encode('𝐀'.repeat(101), 512)], [2, 1, 3]);
});

test('a cased tokenizer keeps case and accents', () => {
  const tokenizer = trickyTokenizer({ lowercase: false, stripAccents: false });
  assert.deepEqual([...tokenizer.encode('Cafe cafe café straße', 512)], [2, 1, 4, 1, 18, 3]);
});

test('encode needs room for [CLS] and [SEP]', () => {
  assert.throws(() => trickyTokenizer().encode('a', 1), RangeError);
});

test('a special token missing from the vocabulary is named', () => {
  assert.throws(() => trickyTokenizer({ sepToken: '<sep>' }), (error: unknown) =>
    error instanceof ModelImportError && error.reason === 'MALFORMED_TOKENIZER' && error.message.includes('"<sep>"'));
});

// ------------------------------------------------------------------ readTokenizerFiles

const tinyFiles = folderFiles(path.join(BERT_FIXTURES, 'tiny'));
const tinyJson = () => JSON.parse(tinyFiles.tokenizerJson as string);

function rejects(files: TokenizerFiles, reason: string, file: string | undefined, ...phrases: string[]): void {
  assert.throws(() => readTokenizerFiles(files), (error: unknown) => {
    assert.ok(error instanceof ModelImportError, String(error));
    assert.equal(error.reason, reason, error.message);
    assert.equal(error.file, file, error.message);
    for (const phrase of phrases) assert.ok(error.message.includes(phrase), `${error.message} lacks ${phrase}`);
    return true;
  });
}

function withTokenizerJson(edit: (json: Record<string, any>) => void): TokenizerFiles {
  const json = tinyJson();
  edit(json);
  return { ...tinyFiles, tokenizerJson: JSON.stringify(json) };
}

test('no tokenizer.json and no vocab.txt is NO_TOKENIZER', () => {
  rejects({ tokenizerConfigJson: tinyFiles.tokenizerConfigJson }, 'NO_TOKENIZER', undefined, 'tokenizer.json', 'vocab.txt');
});

test('tokenizers other than BERT WordPiece are refused, naming what they are', () => {
  const only = 'only BERT WordPiece tokenizers are supported';
  rejects(withTokenizerJson((json) => { json.model.type = 'BPE'; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'BPE', only);
  rejects(withTokenizerJson((json) => { json.normalizer = { type: 'Sequence', normalizers: [] }; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'Sequence', only);
  rejects(withTokenizerJson((json) => { json.normalizer = null; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'normalizer is none', only);
  rejects(withTokenizerJson((json) => { json.pre_tokenizer = { type: 'Whitespace' }; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'Whitespace', only);
  rejects(withTokenizerJson((json) => { json.post_processor = { type: 'RobertaProcessing' }; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'RobertaProcessing', only);
  rejects(withTokenizerJson((json) => { json.post_processor.single.shift(); }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'post_processor.single');
});

test('malformed tokenizer.json fields are named', () => {
  rejects({ ...tinyFiles, tokenizerJson: '{"model": ' }, 'MALFORMED_TOKENIZER', 'tokenizer.json', 'not JSON');
  rejects({ ...tinyFiles, tokenizerJson: '[]' }, 'MALFORMED_TOKENIZER', 'tokenizer.json', 'not a JSON object');
  rejects(withTokenizerJson((json) => { json.model.vocab = ['[UNK]']; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'model.vocab');
  rejects(withTokenizerJson((json) => { json.model.vocab = {}; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'model.vocab is empty');
  rejects(withTokenizerJson((json) => { json.model.vocab.the = -1; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'model.vocab["the"]');
  rejects(withTokenizerJson((json) => { json.model.vocab.the = 1.5; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'model.vocab["the"]');
  rejects(withTokenizerJson((json) => { json.model.max_input_chars_per_word = 0; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'model.max_input_chars_per_word');
  rejects(withTokenizerJson((json) => { json.model.unk_token = 7; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'model.unk_token');
  rejects(withTokenizerJson((json) => { json.normalizer.lowercase = 'yes'; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'normalizer.lowercase');
  rejects(withTokenizerJson((json) => { json.padding = 'left'; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'padding');
  rejects(withTokenizerJson((json) => { delete json.post_processor.special_tokens['[SEP]']; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'post_processor.special_tokens["[SEP]"]');
  rejects(withTokenizerJson((json) => { json.post_processor.special_tokens['[CLS]'].ids = [9]; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'id 9', 'gives it 2');
  rejects(withTokenizerJson((json) => { json.post_processor = { type: 'BertProcessing', cls: ['[CLS]'], sep: ['[SEP]', 3] }; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'post_processor.cls');
  rejects(withTokenizerJson((json) => { json.model.unk_token = '<unk>'; }), 'MALFORMED_TOKENIZER', 'tokenizer.json', 'unknown token "<unk>"');
});

test('malformed tokenizer_config.json, special_tokens_map.json and vocab.txt are named', () => {
  const vocabRoute: TokenizerFiles = { ...tinyFiles, tokenizerJson: undefined };
  rejects({ ...vocabRoute, tokenizerConfigJson: '{' }, 'MALFORMED_TOKENIZER', 'tokenizer_config.json', 'not JSON');
  rejects({ ...vocabRoute, tokenizerConfigJson: 'null' }, 'MALFORMED_TOKENIZER', 'tokenizer_config.json', 'not a JSON object');
  rejects({ ...vocabRoute, tokenizerConfigJson: '{"do_lower_case": "true"}' }, 'MALFORMED_TOKENIZER', 'tokenizer_config.json', 'do_lower_case');
  rejects({ ...vocabRoute, tokenizerConfigJson: '{"strip_accents": 1}' }, 'MALFORMED_TOKENIZER', 'tokenizer_config.json', 'strip_accents');
  rejects({ ...vocabRoute, tokenizerConfigJson: '{"tokenize_chinese_chars": []}' }, 'MALFORMED_TOKENIZER', 'tokenizer_config.json', 'tokenize_chinese_chars');
  rejects({ ...vocabRoute, tokenizerConfigJson: '{"model_max_length": "512"}' }, 'MALFORMED_TOKENIZER', 'tokenizer_config.json', 'model_max_length');
  rejects({ ...vocabRoute, tokenizerConfigJson: '{"model_max_length": -1}' }, 'MALFORMED_TOKENIZER', 'tokenizer_config.json', 'model_max_length');
  rejects({ ...vocabRoute, tokenizerConfigJson: '{"cls_token": {"text": "[CLS]"}}' }, 'MALFORMED_TOKENIZER', 'tokenizer_config.json', 'cls_token');
  rejects({ ...vocabRoute, specialTokensMapJson: '{"sep_token": 3}' }, 'MALFORMED_TOKENIZER', 'special_tokens_map.json', 'sep_token');
  rejects({ ...vocabRoute, specialTokensMapJson: '"[SEP]"' }, 'MALFORMED_TOKENIZER', 'special_tokens_map.json', 'not a JSON object');
  rejects({ ...vocabRoute, vocabTxt: '' }, 'MALFORMED_TOKENIZER', 'vocab.txt', 'empty');
  rejects({ vocabTxt: 'hello\nworld\n' }, 'MALFORMED_TOKENIZER', 'vocab.txt', 'unknown token "[UNK]"');
});

test('vocab.txt lines end as Python reads them, and a repeated token keeps its last id', () => {
  const { config, source, modelMaxLength } = readTokenizerFiles({ vocabTxt: '[PAD]\r\n[UNK]\r[CLS]\n[SEP]\na\na\n' });
  assert.equal(source, 'vocab.txt');
  assert.equal(modelMaxLength, null);
  assert.deepEqual([...config.vocab], [['[PAD]', 0], ['[UNK]', 1], ['[CLS]', 2], ['[SEP]', 3], ['a', 5]]);
  assert.equal(config.vocabSize, 6);
  assert.equal(config.lowercase, true);
  assert.equal(config.stripAccents, true);
  assert.equal(config.handleChineseChars, true);
});

test('special tokens come from tokenizer_config.json, then special_tokens_map.json, then the defaults', () => {
  const vocabTxt = ['<pad>', '<unk>', '<s>', '</s>', '[PAD]', '[UNK]', '[CLS]', '[SEP]'].join('\n');
  const { config } = readTokenizerFiles({
    vocabTxt,
    tokenizerConfigJson: JSON.stringify({ cls_token: { content: '<s>', lstrip: false }, unk_token: '<unk>' }),
    specialTokensMapJson: JSON.stringify({ cls_token: '[CLS]', sep_token: { content: '</s>' } }),
  });
  assert.deepEqual([config.clsToken, config.unkToken, config.sepToken, config.padToken], ['<s>', '<unk>', '</s>', '[PAD]']);
});

test('tokenizer_config.json settings win over tokenizer.json, as in BertTokenizerFast', () => {
  const cased = readTokenizerFiles({ ...tinyFiles, tokenizerConfigJson: '{"do_lower_case": false}' }).config;
  assert.deepEqual([cased.lowercase, cased.stripAccents], [false, false]);
  const accents = readTokenizerFiles({ ...tinyFiles, tokenizerConfigJson: '{"strip_accents": false, "tokenize_chinese_chars": false}' }).config;
  assert.deepEqual([accents.lowercase, accents.stripAccents, accents.handleChineseChars], [true, false, false]);
  const fromJson = readTokenizerFiles({ tokenizerJson: tinyFiles.tokenizerJson }).config;
  assert.deepEqual([fromJson.lowercase, fromJson.stripAccents, fromJson.cleanText, fromJson.handleChineseChars], [true, true, true, true]);
  assert.deepEqual([fromJson.continuingSubwordPrefix, fromJson.maxInputCharsPerWord, fromJson.vocabSize], ['##', 100, 400]);
});

test('tokenizer.json special tokens come from the post-processor, padding, or the other files', () => {
  const bert = readTokenizerFiles(withTokenizerJson((json) => {
    json.model.vocab['<cls>'] = 400;
    json.model.vocab['<sep>'] = 401;
    json.model.vocab['<pad>'] = 402;
    json.post_processor = { type: 'BertProcessing', cls: ['<cls>', 400], sep: ['<sep>', 401] };
    json.padding = { pad_token: '<pad>', pad_id: 402 };
  })).config;
  assert.deepEqual([bert.clsToken, bert.sepToken, bert.padToken, bert.vocabSize], ['<cls>', '<sep>', '<pad>', 403]);
  const none = readTokenizerFiles(withTokenizerJson((json) => {
    json.post_processor = null;
    json.model.vocab['<cls>'] = 400;
  }));
  assert.equal(none.config.clsToken, '[CLS]');
  const mapped = readTokenizerFiles({
    ...withTokenizerJson((json) => {
      json.post_processor = null;
      json.model.vocab['<cls>'] = 400;
    }),
    tokenizerConfigJson: undefined,
    specialTokensMapJson: '{"cls_token": "<cls>"}',
  });
  assert.equal(mapped.config.clsToken, '<cls>');
});

test('model_max_length is read when it is a sane integer', () => {
  const maxLength = (value: unknown) => readTokenizerFiles({ ...tinyFiles, tokenizerConfigJson: JSON.stringify({ model_max_length: value }) }).modelMaxLength;
  assert.equal(maxLength(512), 512);
  assert.equal(maxLength(1e30), null);
  assert.equal(maxLength(null), null);
  assert.equal(readTokenizerFiles({ tokenizerJson: tinyFiles.tokenizerJson }).modelMaxLength, null);
});
