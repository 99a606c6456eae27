import { DatasetFileError } from './errors.js';
import { assertValidUtf8Text, decodeUtf8 } from './utf8.js';

/**
 * The file's text, after checking its size in UTF-8 bytes (before any parsing, so an oversized
 * upload costs nothing more) and that it is valid UTF-8.
 */
export function readContent(content: string | Uint8Array, maxBytes: number): string {
  const bytes = typeof content === 'string' ? Buffer.byteLength(content, 'utf8') : content.byteLength;
  if (bytes > maxBytes) {
    throw new DatasetFileError(
      'TOO_LARGE',
      null,
      'content',
      `the file is ${bytes} bytes and the limit is ${maxBytes} bytes (${megabytes(maxBytes)}); ` +
        'split it into smaller files or raise maxBytes',
    );
  }
  const text = typeof content === 'string' ? content : decodeUtf8(content);
  assertValidUtf8Text(text);
  return text;
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MiB`;
}
