// Chooses the TensorFlow.js backend for this thread (each worker_thread has its own tfjs
// engine and kernel registry) and reports what was chosen, so every training run can record
// the backend and versions it ran on.
import * as tf from '@tensorflow/tfjs';
// Importing the wasm package registers the 'wasm' backend and makes it the default: no tensor
// op may run before selectBackend has called tf.setBackend.
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { describeNativeGemm, nativeGemmStatus } from './native-gemm.js';
import { registerWasmKernels } from './wasm-kernels.js';

export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
/** The values of the TFJS_BACKEND environment variable. */
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
export type BackendName = Exclude<BackendChoice, 'auto'>;

export interface BackendInfo {
  backend: BackendName;
  tfjsVersion: string;
  /** tfjs-core, the backend package, and the native TensorFlow library if there is one. */
  versions: Record<string, string>;
  /** Candidates `auto` tried and passed over, in order, with why. */
  skipped: Array<{ backend: BackendName; reason: string }>;
}

const AUTO_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** The native packages; both register their backend under the tfjs name 'tensorflow'. */
const NATIVE_PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
} as const;
type NativeBackend = keyof typeof NATIVE_PACKAGES;

export function parseBackendChoice(value: string): BackendChoice {
  const choice = BACKEND_CHOICES.find((candidate) => candidate === value);
  if (choice === undefined) {
    throw new Error(`invalid TensorFlow.js backend '${value}': expected one of ${BACKEND_CHOICES.join(', ')}`);
  }
  return choice;
}

/** Why a candidate cannot be used; thrown by `activate` and turned into a skip by `auto`. */
class BackendUnavailable extends Error {}

let current: { choice: BackendChoice; info: BackendInfo } | undefined;
/** The native package that registered the 'tensorflow' backend in this thread, once one has. */
let loadedNative: { backend: NativeBackend; versions: Record<string, string> } | undefined;

/**
 * Selects the backend for this thread. `auto` tries tfjs-node-gpu, tfjs-node, wasm, then cpu,
 * logging one line per candidate it skips; an explicit choice that cannot be had throws.
 * Calling again with the same choice returns the recorded result without redoing the work.
 */
export async function selectBackend(choice: BackendChoice, log: (line: string) => void = () => {}): Promise<BackendInfo> {
  if (current !== undefined && current.choice === choice && tf.getBackend() === tfjsBackendName(current.info.backend)) {
    return current.info;
  }
  tf.enableProdMode();
  const skipped: BackendInfo['skipped'] = [];
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
  for (const backend of candidates) {
    try {
      const versions = await activate(backend, log);
      current = { choice, info: { backend, tfjsVersion: tf.version.tfjs, versions, skipped } };
      return current.info;
    } catch (error) {
      if (!(error instanceof BackendUnavailable)) throw error;
      if (choice !== 'auto') throw new Error(`TensorFlow.js backend '${backend}' is unavailable: ${error.message}`);
      skipped.push({ backend, reason: error.message });
      log(`TensorFlow.js backend '${backend}' skipped: ${error.message}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be selected: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}

function tfjsBackendName(backend: BackendName): string {
  return backend === 'tensorflow-gpu' ? 'tensorflow' : backend;
}

/** Makes `backend` the active one and returns the versions to record for it. */
async function activate(backend: BackendName, log: (line: string) => void): Promise<Record<string, string>> {
  const versions: Record<string, string> = { 'tfjs-core': tf.version_core };
  if (backend === 'tensorflow-gpu' || backend === 'tensorflow') {
    Object.assign(versions, loadNative(backend));
    await setTfjsBackend('tensorflow');
    Object.assign(versions, describeNativeBackend(backend));
  } else if (backend === 'wasm') {
    await setTfjsBackend('wasm');
    const native = nativeGemmStatus();
    registerWasmKernels(native.gemm ?? null);
    versions['tfjs-backend-wasm'] = version_wasm;
    // Recorded either way: a run's speed depends on it.
    versions['native-gemm'] = native.gemm === undefined ? 'none' : describeNativeGemm(native.gemm);
    if (native.gemm === undefined) log(`native GEMM skipped, matMul runs on XNNPACK: ${native.reason}`);
  } else {
    await setTfjsBackend('cpu');
    versions['tfjs-backend-cpu'] = tf.version['tfjs-backend-cpu'];
  }
  return versions;
}

async function setTfjsBackend(name: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    throw new BackendUnavailable(`failed to initialize: ${messageOf(error)}`);
  }
  if (!ok) throw new BackendUnavailable('failed to initialize');
}

function loadNative(backend: NativeBackend): Record<string, string> {
  const packageName = NATIVE_PACKAGES[backend];
  if (loadedNative !== undefined) {
    // The GPU package runs TensorFlow on the CPU when it sees no GPU device, which is exactly
    // what 'tensorflow' asks for; the other way round the CPU package cannot provide a GPU.
    if (loadedNative.backend === backend || backend === 'tensorflow') return loadedNative.versions;
    throw new BackendUnavailable(
      `${NATIVE_PACKAGES[loadedNative.backend]} already registered the 'tensorflow' backend in this thread; ` +
      `${packageName} cannot replace it`);
  }
  try {
    require.resolve(packageName);
  } catch {
    throw new BackendUnavailable(`module ${packageName} is not installed`);
  }
  let loaded: { version?: Record<string, string> };
  try {
    // A dynamic require keeps the native packages optional: TypeScript compiles without them.
    loaded = require(packageName) as typeof loaded;
  } catch (error) {
    throw new BackendUnavailable(`module ${packageName} failed to load: ${messageOf(error)}`);
  }
  // tfjs-node-gpu is built from tfjs-node's source and reports its version under the same key.
  const packageVersion = loaded.version?.['tfjs-node'];
  const versions = packageVersion === undefined ? {} : { [packageName.replace('@tensorflow/', '')]: packageVersion };
  loadedNative = { backend, versions };
  return versions;
}

/** What tfjs-node's backend tells about itself (fields of its NodeJSKernelBackend). */
interface NativeBackendFields {
  isUsingGpuDevice?: boolean;
  binding?: { TF_Version?: string };
}

function describeNativeBackend(backend: NativeBackend): Record<string, string> {
  const fields = tf.backend() as NativeBackendFields;
  if (backend === 'tensorflow-gpu' && fields.isUsingGpuDevice === false) {
    throw new BackendUnavailable('module @tensorflow/tfjs-node-gpu loaded but TensorFlow sees no GPU device');
  }
  const tensorflowVersion = fields.binding?.TF_Version;
  return tensorflowVersion === undefined ? {} : { tensorflow: tensorflowVersion };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
