import { registerEnumType } from 'type-graphql';
import { DatasetFormat, RunKind, RunStatus, Split } from '../entities/index.js';

registerEnumType(DatasetFormat, {
  name: 'DatasetFormat',
  description: 'File format of an imported dataset.',
  valuesConfig: {
    CSV: { description: 'Comma-separated values with a header row (RFC 4180 quoting).' },
    JSONL: { description: 'JSON Lines: one JSON object per line.' },
  },
});

registerEnumType(Split, {
  name: 'Split',
  description: 'The part of a dataset an example belongs to.',
  valuesConfig: {
    TRAIN: { description: 'Used to fit models.' },
    VALIDATION: { description: 'Used for early stopping and choosing settings.' },
    TEST: { description: 'Held out; every reported metric is measured on it.' },
  },
});

registerEnumType(RunKind, {
  name: 'RunKind',
  description: 'What a run trains.',
  valuesConfig: {
    BASE_TRAINING: { description: 'Trains a classifier from scratch on a label set.' },
    HEAD_EXPANSION: { description: 'Adds the new labels of an experiment to its base checkpoint.' },
  },
});

registerEnumType(RunStatus, {
  name: 'RunStatus',
  description: 'Where a run is in its life: QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED.',
  valuesConfig: {
    QUEUED: { description: 'Waiting for a worker.' },
    RUNNING: { description: 'A worker is training it.' },
    SUCCEEDED: { description: 'Finished; final metrics and output checkpoint are available.' },
    FAILED: { description: 'Stopped by an error; `error` says which.' },
    CANCELLED: { description: 'Stopped on request; metrics of finished epochs are kept.' },
  },
});
