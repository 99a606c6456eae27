import { ApiKey } from './api-key.entity.js';
import { Checkpoint } from './checkpoint.entity.js';
import { Dataset } from './dataset.entity.js';
import { DatasetLabel } from './dataset-label.entity.js';
import { EpochMetric } from './epoch-metric.entity.js';
import { Example } from './example.entity.js';
import { Experiment } from './experiment.entity.js';
import { Label } from './label.entity.js';
import { LabelSet } from './label-set.entity.js';
import { Run } from './run.entity.js';

export { ApiKey, Checkpoint, Dataset, DatasetLabel, EpochMetric, Example, Experiment, Label, LabelSet, Run };
export { DatasetFormat } from './dataset.entity.js';
export { ACTIVE_RUN_STATUSES, RunKind, RunStatus } from './run.entity.js';
export { Split } from './split.js';

export const ENTITIES = [ApiKey, Checkpoint, Dataset, DatasetLabel, EpochMetric, Example, Experiment, Label, LabelSet, Run];
