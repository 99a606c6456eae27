// Saves a checkpoint in a process of its own, so a test can run the save under resource limits
// (ulimit -f) that make it fail partway. Prints one JSON line: the files saved, or the error.
import { saveCheckpoint } from '../../src/training/checkpoint.js';
import { makeClassifier } from './classifier-fixture.js';

const [folder, shardBytes] = process.argv.slice(2);
const model = makeClassifier({ buckets: 4096, dim: 64, labels: ['a', 'b'], seed: 1, fill: 'bits' });
saveCheckpoint(model, folder, {}, { shardBytes: Number(shardBytes) }).then(
  (saved) => console.log(JSON.stringify({ saved })),
  (error: Error) => console.log(JSON.stringify({ error: error.message })),
);
