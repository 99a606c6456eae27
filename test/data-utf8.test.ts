import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { firstInvalidUtf8Offset } from '../src/data/utf8.js';

// The offset finder only runs after TextDecoder has refused the bytes, so it must agree with it.
test('firstInvalidUtf8Offset finds a problem exactly when a fatal TextDecoder does', () => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const accepts = (bytes: Uint8Array) => {
    try {
      decoder.decode(bytes);
      return true;
    } catch {
      return false;
    }
  };
  // Mostly bytes that start or continue multi-byte sequences, where the edge cases are.
  const byte = fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.constantFrom(0x0a, 0x41, 0xe0, 0xed, 0xf0, 0xf4, 0x8f, 0x90, 0x9f, 0xa0, 0xbf));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 8 }), fc.array(byte, { maxLength: 8 }), (random, edgy) => {
      const bytes = Uint8Array.from([...random, ...edgy]);
      const offset = firstInvalidUtf8Offset(bytes);
      assert.equal(offset < 0, accepts(bytes));
      if (offset >= 0) {
        assert.ok(accepts(bytes.subarray(0, offset)), 'everything before the offset is valid');
      }
    }),
    { numRuns: 20000 },
  );
});

test('well-formed text of every length of sequence passes', () => {
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (text) => firstInvalidUtf8Offset(new TextEncoder().encode(text)) === -1));
});
