/**
 * Characters a JavaScript string can hold that the database cannot store as given: U+0000, which
 * PostgreSQL text refuses, and unpaired UTF-16 surrogates, which have no UTF-8 encoding (the
 * driver would write U+FFFD instead, so the text would not read back as sent). JSON escapes such
 * as \u0000 and \ud800 carry both into a request or a JSONL file.
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first such character in `text`, described for a message, or null when there is none. */
export function unstorableCharacter(text: string): string | null {
  const found = UNSTORABLE.exec(text);
  if (found === null) return null;
  if (found[0] === '\u0000') return 'a NUL character (U+0000)';
  return `an unpaired UTF-16 surrogate (U+${found[0].charCodeAt(0).toString(16).toUpperCase()})`;
}
