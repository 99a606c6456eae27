import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { encodeTokens, encoderArrays, tokenizeTexts } from './encoders.js';
import { bytesOf } from './float32-bytes.js';
import { Encoder } from './model.js';

/**
 * Encoder outputs for a list of texts: [rows, dim], row-major. A frozen encoder's features are a
 * pure function of (encoder weights, texts), so they are computed once and cached under a key
 * made of both fingerprints; every run that shares a base model and a dataset reuses them.
 */
export interface FeatureCache {
  get(key: string): Float32Array | undefined;
  set(key: string, features: Float32Array): void;
}

/** A byte-bounded, least-recently-used cache in this process's memory. */
export class MemoryFeatureCache implements FeatureCache {
  private readonly entries = new Map<string, Float32Array>();
  private bytes = 0;

  constructor(private readonly maxBytes = 512 * 2 ** 20) {}

  get(key: string): Float32Array | undefined {
    const features = this.entries.get(key);
    if (features) {
      this.entries.delete(key);
      this.entries.set(key, features);
    }
    return features;
  }

  set(key: string, features: Float32Array): void {
    if (this.entries.has(key)) return;
    this.entries.set(key, features);
    this.bytes += features.byteLength;
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes || oldest === key) break;
      this.entries.delete(oldest);
      this.bytes -= value.byteLength;
    }
  }
}

/**
 * Features as files in a folder, shared by every thread and process that shares it (the artifact
 * store): the second strategy on a base model finds them whichever worker runs it. Files are
 * written whole under a temporary name and renamed, so a reader sees a complete file or none;
 * the least recently used go when the folder passes `maxBytes`.
 */
export class FileFeatureCache implements FeatureCache {
  constructor(
    private readonly folder: string,
    private readonly maxBytes = 4 * 2 ** 30,
  ) {}

  get(key: string): Float32Array | undefined {
    const file = this.file(key);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
      fs.utimesSync(file, new Date(), new Date());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // A copy, aligned: Buffers of small files share a pool at arbitrary offsets.
    const features = new Float32Array(bytes.length / 4);
    bytesOf(features).set(bytes);
    return features;
  }

  set(key: string, features: Float32Array): void {
    fs.mkdirSync(this.folder, { recursive: true });
    const partial = path.join(this.folder, `.${key}.${randomUUID()}`);
    fs.writeFileSync(partial, bytesOf(features));
    fs.renameSync(partial, this.file(key));
    this.evict();
  }

  private file(key: string): string {
    return path.join(this.folder, `${key}.f32`);
  }

  private evict(): void {
    const files = fs
      .readdirSync(this.folder)
      .filter((name) => name.endsWith('.f32'))
      .flatMap((name) => {
        try {
          const { size, mtimeMs } = fs.statSync(path.join(this.folder, name));
          return [{ name, size, mtimeMs }];
        } catch {
          return []; // another process evicted it meanwhile
        }
      })
      .sort((a, b) => a.mtimeMs - b.mtimeMs);
    let total = files.reduce((sum, file) => sum + file.size, 0);
    for (const file of files) {
      if (total <= this.maxBytes) break;
      fs.rmSync(path.join(this.folder, file.name), { force: true });
      total -= file.size;
    }
  }
}

/** Memory first, then the files behind it; what the files give is kept in memory too. */
export class TieredFeatureCache implements FeatureCache {
  constructor(
    private readonly memory: FeatureCache,
    private readonly files: FeatureCache,
  ) {}

  get(key: string): Float32Array | undefined {
    const inMemory = this.memory.get(key);
    if (inMemory) return inMemory;
    const fromFile = this.files.get(key);
    if (fromFile) this.memory.set(key, fromFile);
    return fromFile;
  }

  set(key: string, features: Float32Array): void {
    this.memory.set(key, features);
    this.files.set(key, features);
  }
}

/** The cache key of an encoder's features of these texts. */
export function featureKey(encoder: Encoder, texts: readonly string[]): string {
  return `${encoderFingerprint(encoder)}-${textsFingerprint(texts)}`;
}

export function encodeTexts(encoder: Encoder, texts: readonly string[], cache?: FeatureCache): Float32Array {
  const key = cache ? featureKey(encoder, texts) : '';
  const cached = cache?.get(key);
  if (cached) return cached;
  const features = encodeTokens(encoder, tokenizeTexts(encoder, texts));
  cache?.set(key, features);
  return features;
}

const fingerprints = new WeakMap<Float32Array, string>();

/**
 * SHA-256 of an encoder's config and every weight bit (hex, shortened); memoised per first weight
 * array (the embedding table), as a trained encoder's arrays never change in place.
 */
export function encoderFingerprint(encoder: Encoder): string {
  const arrays = encoderArrays(encoder);
  let fingerprint = fingerprints.get(arrays[0]);
  if (fingerprint === undefined) {
    const hash = createHash('sha256').update(JSON.stringify(encoder.config));
    for (const array of arrays) hash.update(bytesOf(array));
    fingerprint = hash.digest('hex').slice(0, 32);
    fingerprints.set(arrays[0], fingerprint);
  }
  return fingerprint;
}

/** SHA-256 of the texts, each with its length first, so ["ab", "c"] and ["a", "bc"] differ. */
export function textsFingerprint(texts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(`${text.length}:`).update(text);
  return `${hash.digest('hex').slice(0, 32)}${texts.length.toString(16)}`;
}
