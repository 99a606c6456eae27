import assert from 'node:assert/strict';
import { DatasetFileError } from '../../src/data/errors.js';

/** Runs `run`, which must throw a DatasetFileError, and returns it. */
export function catchDatasetError(run: () => unknown): DatasetFileError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof DatasetFileError, `expected a DatasetFileError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a DatasetFileError');
}
