import { parentPort, workerData } from 'node:worker_threads';
import { BackendChoice, selectBackend } from './backend.js';
import { BertEncoder, encodeBatches, inferenceNetwork } from './bert/bert-encoder.js';

/** One part of encodeTextsInParallel: a tfjs engine of its own, its batches encoded, then exit. */
const { encoder, batches, backend } = workerData as { encoder: BertEncoder; batches: Int32Array[][]; backend: BackendChoice };

selectBackend(backend).then(
  () => {
    const features = encodeBatches(inferenceNetwork(encoder), batches);
    parentPort!.postMessage({ features }, [features.buffer as ArrayBuffer]);
  },
  (error: Error) => parentPort!.postMessage({ error: error.message }),
);
