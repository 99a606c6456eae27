/**
 * How messages about hostile files show what they found: quoted, cut short, and never with
 * JSON.stringify of a parsed value (which overflows the stack on one nested some thousands deep).
 */
/** Names and values quoted in messages are cut to this many characters: a header may hold megabytes of them. */
const MAX_QUOTED_CHARS = 200;

const cut = (text: string) => (text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text);

/** `text` as a message quotes it: in single quotes, cut short when long. */
export function quoted(text: string): string {
  return `'${cut(text)}'`;
}

/** Entries and levels of a JSON value a preview shows; the rest is elided. */
const PREVIEW_ITEMS = 8;
const PREVIEW_DEPTH = 3;

/** A shape as messages write it, e.g. `[30522, 768]`, its axes cut short when there are many. */
export function describeShape(shape: number[]): string {
  return `[${shape.slice(0, PREVIEW_ITEMS).join(', ')}${shape.length > PREVIEW_ITEMS ? ', …' : ''}]`;
}

function previewAt(value: unknown, depth: number): string {
  if (typeof value === 'string') return JSON.stringify(cut(value));
  // String, not JSON: JSON writes the Infinity that 1e999 parses to as null.
  if (value === null || typeof value !== 'object') return String(value);
  const isArray = Array.isArray(value);
  if (depth === 0) return isArray ? '[…]' : '{…}';
  const entries = isArray ? value.slice(0, PREVIEW_ITEMS).map((item) => previewAt(item, depth - 1))
    : Object.entries(value).slice(0, PREVIEW_ITEMS).map(([key, item]) => `${JSON.stringify(cut(key))}:${previewAt(item, depth - 1)}`);
  const more = (isArray ? value.length : Object.keys(value).length) > PREVIEW_ITEMS ? ',…' : '';
  return isArray ? `[${entries.join(',')}${more}]` : `{${entries.join(',')}${more}}`;
}

/**
 * A parsed JSON value as a message shows it, cut short in length and depth: JSON.stringify
 * overflows the stack on a value nested some thousands deep, which a hostile file can hold.
 */
export function preview(value: unknown): string {
  return cut(previewAt(value, PREVIEW_DEPTH));
}

