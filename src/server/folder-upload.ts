import Busboy, { type BusboyHeaders, type BusboyInstance } from '@fastify/busboy';
import type { IncomingMessage } from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/** What a folder upload brought: its text fields, the files written, and the names passed over. */
export interface ReceivedFolder {
  fields: Record<string, string>;
  files: string[];
  /** File parts not written: names the folder format does not use (README.md, pickles, ...). */
  skipped: string[];
}

export class UploadError extends Error {
  constructor(
    readonly code: 'BAD_REQUEST' | 'PAYLOAD_TOO_LARGE',
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

/**
 * Streams a multipart/form-data request into the folder `into`: each file part whose name
 * `accept` takes is written there as it arrives (never held in memory), the others are drained.
 * More than `maxBytes` of files, a name sent twice or a malformed form rejects; the caller removes
 * the folder.
 */
export function receiveFolder(request: IncomingMessage, into: string, options: { maxBytes: number; accept(name: string): boolean; limitHint: string }): Promise<ReceivedFolder> {
  return new Promise((resolve, reject) => {
    let parser: BusboyInstance;
    try {
      parser = new Busboy({ headers: request.headers as BusboyHeaders, limits: { fields: 20, fieldSize: 64 * 1024, files: 1000, headerPairs: 100 } });
    } catch (error) {
      reject(new UploadError('BAD_REQUEST', `the upload must be multipart/form-data with the folder's files as file parts (${(error as Error).message})`));
      return;
    }
    const received: ReceivedFolder = { fields: {}, files: [], skipped: [] };
    const writes: Array<Promise<void>> = [];
    const streams: NodeJS.ReadableStream[] = [];
    let bytes = 0;
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      request.unpipe(parser);
      for (const stream of streams) (stream as unknown as { destroy(): void }).destroy();
      // The rest of the body is read and dropped, so the client, still sending, gets to read the answer.
      request.resume();
      reject(error);
    };

    parser.on('field', (name: string, value: string) => {
      received.fields[name] = value;
    });
    parser.on('file', (_field: string, stream: NodeJS.ReadableStream, filename: string) => {
      const name = path.basename(filename ?? '');
      if (failed || !options.accept(name)) {
        if (!failed && name) received.skipped.push(name);
        stream.resume();
        return;
      }
      if (received.files.includes(name)) {
        fail(new UploadError('BAD_REQUEST', `the upload holds ${name} twice; send each file of the folder once`));
        stream.resume();
        return;
      }
      received.files.push(name);
      streams.push(stream);
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > options.maxBytes) fail(new UploadError('PAYLOAD_TOO_LARGE', `the model's files are over the ${options.limitHint} limit`));
      });
      writes.push(pipeline(stream, fs.createWriteStream(path.join(into, name), { flags: 'wx' })).catch((error: Error) => fail(error)));
    });
    parser.on('error', (error: Error) => fail(new UploadError('BAD_REQUEST', `the multipart body could not be read: ${error.message}`)));
    parser.on('finish', () => {
      Promise.all(writes).then(() => (failed ? undefined : resolve(received)), fail);
    });
    request.on('aborted', () => fail(new UploadError('BAD_REQUEST', 'the upload was aborted before it ended')));
    request.pipe(parser);
  });
}
