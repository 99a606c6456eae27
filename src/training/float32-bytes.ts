// The weight files Headroom reads and writes (tfjs shards, safetensors) store float32 values
// little-endian, and a Float32Array's bytes are in the host's order: the two agree only on a
// little-endian host, which is every platform Node ships for but s390x.
import os from 'node:os';

/** The bytes of a typed array, shared with it (no copy). */
export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

export function assertLittleEndianHost(format: string): void {
  if (os.endianness() !== 'LE') {
    throw new Error(`${format} stores little-endian float32 values; this host is big-endian and is not supported`);
  }
}
