import { encodeTokens, encoderArrays, tokenizeTexts } from './encoders.js';
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

export function encodeTexts(encoder: Encoder, texts: readonly string[], cache?: FeatureCache): Float32Array {
  const key = cache ? `${encoderFingerprint(encoder)}:${textsFingerprint(texts)}` : '';
  const cached = cache?.get(key);
  if (cached) return cached;
  const features = encodeTokens(encoder, tokenizeTexts(encoder, texts));
  cache?.set(key, features);
  return features;
}

const fingerprints = new WeakMap<Float32Array, string>();

/**
 * Hash of an encoder's config and every weight bit; memoised per first weight array (the
 * embedding table), as a trained encoder's arrays never change in place.
 */
export function encoderFingerprint(encoder: Encoder): string {
  const arrays = encoderArrays(encoder);
  let fingerprint = fingerprints.get(arrays[0]);
  if (fingerprint === undefined) {
    fingerprint = `${hashString(JSON.stringify(encoder.config))}${hashWords(arrays)}`;
    fingerprints.set(arrays[0], fingerprint);
  }
  return fingerprint;
}

export function textsFingerprint(texts: readonly string[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const text of texts) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    // A separator, so ["ab", "c"] and ["a", "bc"] differ.
    h1 = Math.imul(h1 ^ 0xffff, 0x01000193);
    h2 = Math.imul(h2 ^ 0xffff, 0x5bd1e995);
  }
  return `${hex(h1)}${hex(h2)}${texts.length.toString(16)}`;
}

function hashWords(arrays: Float32Array[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  for (const array of arrays) {
    const words = new Uint32Array(array.buffer, array.byteOffset, array.length);
    for (let i = 0; i < words.length; i++) {
      h1 = Math.imul(h1 ^ words[i], 0x01000193);
      h2 = Math.imul(h2 + words[i], 0x5bd1e995) ^ (h2 >>> 15);
    }
  }
  return `${hex(h1)}${hex(h2)}`;
}

function hashString(value: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  return hex(h);
}

function hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
