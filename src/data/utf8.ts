import { DatasetFileError } from './errors.js';

const REENCODE_ADVICE = 're-save the file with UTF-8 encoding and import it again';

/** Decodes strictly; invalid bytes are an INVALID_UTF8 error naming the line they are on. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    throw new DatasetFileError(
      'INVALID_UTF8',
      lineOfByte(bytes, offset),
      'content',
      `byte 0x${bytes[offset].toString(16).padStart(2, '0')} at offset ${offset} is not valid UTF-8; ${REENCODE_ADVICE}`,
    );
  }
}

// Unpaired surrogates, and U+FFFD: text that reaches us as a string (through GraphQL/JSON) was
// decoded by someone else, and lenient decoders (browsers' FileReader, Node's Buffer#toString)
// replace each invalid byte with U+FFFD instead of failing. The replacement character is then the
// only trace that the file was not valid UTF-8 and that some of its text is already lost.
const NOT_FROM_VALID_UTF8 = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\uFFFD/;

/** Rejects decoded text that cannot have come from a valid UTF-8 file (see above). */
export function assertValidUtf8Text(text: string): void {
  const found = NOT_FROM_VALID_UTF8.exec(text);
  if (found === null) return;
  const what =
    found[0] === '\uFFFD'
      ? 'contains U+FFFD, the replacement character a decoder leaves where bytes were not valid UTF-8'
      : `contains an unpaired UTF-16 surrogate (U+${found[0].charCodeAt(0).toString(16).toUpperCase()})`;
  throw new DatasetFileError('INVALID_UTF8', lineOfIndex(text, found.index), 'content', `${what}; ${REENCODE_ADVICE}`);
}

/** Offset of the lead byte of the first ill-formed sequence (Unicode table 3-7), or -1. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b < 0x80) length = 1;
    else if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;

    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (next === undefined || next < min || next > max) return i;
    }
    i += length;
  }
  return -1;
}

function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  return line;
}

function lineOfIndex(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
