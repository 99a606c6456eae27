import * as fc from 'fast-check';

/** Text that has broken SQL builders, LIKE patterns and escaping before. */
const SQL_LIKE = [
  "'; DROP TABLE run; --",
  "' OR '1'='1",
  '"; DROP TABLE "label"; --',
  '%',
  '_',
  '%_%',
  '\\',
  '\\%',
  '\\_',
  "\\'",
  '$1',
  '$$',
  ':name',
  '?',
  '*/ /*',
  'NULL',
  '{}',
  '{"a":1}',
  '[1,2]',
  'E\'\\x00\'',
];

/** Whitespace that String.prototype.trim removes, one of each kind. */
const WHITESPACE = [' ', '\t', '\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2003', '\u2028', '\u2029', '\u202f', '\u3000', '\ufeff'];

/** Code points that are legal but easy to mishandle: marks, direction overrides, invisibles, astral. */
const TRICKY = [
  '\u0301', // combining acute accent
  '\u0338', // combining long solidus overlay
  '\u202e', // right-to-left override
  '\u200f', // right-to-left mark
  '\u200b', // zero width space (not whitespace to trim)
  '\u200d', // zero width joiner
  '\u0645\u0631\u062d\u0628\u0627', // Arabic
  '\u05e9\u05dc\u05d5\u05dd', // Hebrew
  '\ud83d\ude00', // astral emoji
  '\ud83d\udc69\u200d\ud83d\udcbb', // emoji ZWJ sequence
  '\ud800\udc00', // first astral code point
  '\udbff\udfff', // last code point
  '\ufffd', // replacement character
  '\uffff', // noncharacter
  'I\u0307', // dotted I, which lower-cases to more code units
  '\u0130',
  'ß',
  'ǅ',
];

const controlCharacter = fc.oneof(fc.integer({ min: 0, max: 0x1f }), fc.integer({ min: 0x7f, max: 0x9f })).map((c) => String.fromCharCode(c));
/** JSON carries these as \ud800-style escapes; UTF-8 cannot encode them. */
export const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

const piece = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 6 }), weight: 4 },
  { arbitrary: fc.constantFrom(...SQL_LIKE), weight: 2 },
  { arbitrary: fc.constantFrom(...WHITESPACE), weight: 2 },
  { arbitrary: fc.constantFrom(...TRICKY), weight: 2 },
  { arbitrary: controlCharacter, weight: 1 },
  { arbitrary: loneSurrogate, weight: 1 },
);

/** A short hostile string: pieces of every kind above, glued together. */
export const hostileShortString = fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join(''));

/** Printable text with whitespace around it: a name the API should accept (trimmed), as a rule. */
export const paddedCleanString = fc
  .tuple(fc.constantFrom(...WHITESPACE.slice(0, 8), ''), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), fc.constantFrom(...WHITESPACE, ''))
  .map(([before, middle, after]) => `${before}${middle}${after}`);

/** 10k to 40k characters: a hostile piece repeated. */
const longString = fc
  .tuple(fc.oneof(fc.constantFrom('x', '%', "'", '\ud83d\ude00', 'é\u0301'), hostileShortString.filter((s) => s.length > 0)), fc.integer({ min: 10_000, max: 40_000 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)));

/** Empty, whitespace-only, or a name right at the 200-character limit and one over it. */
const edgeString = fc.oneof(
  fc.constant(''),
  fc.array(fc.constantFrom(...WHITESPACE), { minLength: 1, maxLength: 5 }).map((ws) => ws.join('')),
  fc.constantFrom('a'.repeat(200), 'a'.repeat(201), ` ${'b'.repeat(200)} `, '\ud83d\ude00'.repeat(100), '\ud83d\ude00'.repeat(101)),
);

/** Any string a hostile client might send where a name, tag, label or description is expected. */
export const hostileString = fc.oneof(
  { arbitrary: hostileShortString, weight: 6 },
  { arbitrary: paddedCleanString, weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.constantFrom(...SQL_LIKE), weight: 1 },
  { arbitrary: edgeString, weight: 1 },
  { arbitrary: longString, weight: 1 },
);

/** True when the string holds a UTF-16 surrogate that is not part of a pair. */
export function hasLoneSurrogate(value: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
}
