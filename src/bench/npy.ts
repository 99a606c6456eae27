import fs from 'node:fs';

/**
 * NumPy's .npy format (version 1.0), for the arrays the PyTorch reference reads with np.load:
 * magic, a little-endian header length, a Python-literal header padded so the data starts on a
 * 64-byte boundary, then the raw little-endian data.
 */
type NpyArray = Float32Array | Int32Array | Uint8Array;

const DESCR = new Map<string, string>([
  ['Float32Array', '<f4'],
  ['Int32Array', '<i4'],
  ['Uint8Array', '|u1'],
]);
const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]);

export function writeNpy(file: string, data: NpyArray, shape: number[]): void {
  if (shape.reduce((product, size) => product * size, 1) !== data.length) throw new Error(`${file}: shape ${shape} does not hold ${data.length} values`);
  const descr = DESCR.get(data.constructor.name)!;
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat(63 - ((MAGIC.length + 2 + header.length) % 64)) + '\n';
  const length = Buffer.alloc(2);
  length.writeUInt16LE(header.length);
  fs.writeFileSync(file, Buffer.concat([MAGIC, length, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

export function readNpy(file: string): { data: NpyArray; shape: number[] } {
  const bytes = fs.readFileSync(file);
  if (!bytes.subarray(0, 6).equals(MAGIC.subarray(0, 6))) throw new Error(`${file} is not a .npy file`);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((dim) => dim.trim()).filter(Boolean).map(Number);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran-ordered arrays are not supported`);
  const start = 10 + headerLength;
  const body = bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length);
  const types: Record<string, new (buffer: ArrayBuffer) => NpyArray> = { '<f4': Float32Array, '<i4': Int32Array, '|u1': Uint8Array };
  const type = descr && types[descr];
  if (!type) throw new Error(`${file}: dtype ${descr} is not one of ${Object.keys(types).join(', ')}`);
  return { data: new type(body as ArrayBuffer), shape };
}
