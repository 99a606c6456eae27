import { parentPort, workerData } from 'node:worker_threads';
import { measureThread, SpeedOptions } from './encoder-speed.js';

/** One thread of measureEncoderSpeed. */
const { options, part } = workerData as { options: SpeedOptions; part: { index: number; of: number } };
measureThread(options, part).then((speed) => parentPort!.postMessage(speed));
