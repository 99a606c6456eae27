// The native SGEMM (native/gemm, installed as the optional package headroom-native-gemm) that
// the wasm backend's matMul kernels call instead of XNNPACK when it is there (and, from the same
// package, the AdamW update that fine-tuning BERT applies to every weight each step). It is optional:
// npm skips it where it cannot be built (no compiler, not x64), and a CPU without AVX2 and FMA
// cannot run it; either way matMul stays on XNNPACK, and this module says why.
// HEADROOM_NATIVE_GEMM=0 turns it off, for comparisons.

/** The package's exports (native/gemm/index.js). Operands are row-major float32 matrices. */
export interface NativeGemm {
  readonly version: string;
  /** The instruction set the GEMM was compiled for, e.g. 'avx2+fma'. */
  readonly instructions: string;
  /** Whether this CPU can run the GEMM. */
  available(): boolean;
  /** c[m, n] = a[m, k] . b[k, n]. */
  sgemm(m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array): void;
  /**
   * c[batch, m, n] = a . b per batch. a holds `batch` matrices [m, k] or one that all share
   * (likewise b, [k, n]); transposeA and transposeB read them as [k, m] and [n, k]; bias, n
   * floats, is added to every row. The arrays may be views anywhere into one buffer (the wasm
   * heap), but c must not overlap the others.
   */
  sgemmBatched(batch: number, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array,
    options?: { transposeA?: boolean; transposeB?: boolean; bias?: Float32Array }): void;
  /**
   * One AdamW update in place: weight *= shrink; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
   * weight -= stepSize * m / (sqrt(v) / correction2 + epsilon). All four arrays of one length.
   */
  adamw(weight: Float32Array, m: Float32Array, v: Float32Array, gradient: Float32Array,
    beta1: number, beta2: number, epsilon: number, shrink: number, stepSize: number, correction2: number): void;
}

export type NativeGemmStatus = { gemm: NativeGemm; reason?: undefined } | { gemm?: undefined; reason: string };

const PACKAGE = 'headroom-native-gemm';

/** What loading the package gave, once per thread: a worker_thread loads its own instance. */
let loaded: NativeGemmStatus | undefined;

/** The native GEMM when it can be used in this thread, else why not. */
export function nativeGemmStatus(env: NodeJS.ProcessEnv = process.env): NativeGemmStatus {
  const setting = env.HEADROOM_NATIVE_GEMM?.trim() ?? '';
  if (setting === '0') return { reason: 'turned off by HEADROOM_NATIVE_GEMM=0' };
  if (setting !== '' && setting !== '1') {
    throw new Error(`invalid HEADROOM_NATIVE_GEMM '${setting}': expected 0 (off) or 1 (on where available)`);
  }
  loaded ??= load();
  return loaded;
}

function load(): NativeGemmStatus {
  try {
    require.resolve(PACKAGE);
  } catch {
    return { reason: `module ${PACKAGE} is not installed` };
  }
  let gemm: NativeGemm;
  try {
    // A dynamic require keeps the package optional: TypeScript compiles without it.
    gemm = require(PACKAGE) as NativeGemm;
  } catch (error) {
    return { reason: `module ${PACKAGE} failed to load: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!gemm.available()) return { reason: `this CPU lacks AVX2 or FMA, which ${PACKAGE} needs` };
  return { gemm };
}

/** How a run records the GEMM: '1.0.0 (avx2+fma)'. */
export function describeNativeGemm(gemm: NativeGemm): string {
  return `${gemm.version} (${gemm.instructions})`;
}
