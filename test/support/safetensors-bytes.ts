/** A safetensors file from a header given as-is (object or exact text), padded to 8 bytes with spaces: for files no writer would make. */
export function rawSafetensors(header: object | string, data: Uint8Array = new Uint8Array(0)): Buffer {
  const text = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const padded = Buffer.concat([text, Buffer.alloc((8 - (text.length % 8)) % 8, ' ')]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(padded.length));
  return Buffer.concat([length, padded, data]);
}
