import { DataSource } from 'typeorm';
import { CheckpointService } from './checkpoints.js';
import { DatasetService } from './datasets.js';
import { ExperimentService } from './experiments.js';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { JobQueue } from '../jobs/job-queue.js';
import { BackendChoice } from '../training/index.js';
import { ComparisonService } from './comparisons.js';
import { LabelSetService } from './label-sets.js';
import { LaunchService } from './launches.js';
import { PredictionService } from './predictions.js';
import { RunService } from './runs.js';

/** The application's operations, shared by the GraphQL resolvers and the CLI. */
export interface Services {
  datasets: DatasetService;
  labelSets: LabelSetService;
  experiments: ExperimentService;
  runs: RunService;
  checkpoints: CheckpointService;
  launches: LaunchService;
  comparisons: ComparisonService;
  predictions: PredictionService;
}

export function createServices(dataSource: DataSource, queue: JobQueue, artifacts: ArtifactStore, backend: BackendChoice): Services {
  const labelSets = new LabelSetService(dataSource);
  const experiments = new ExperimentService(dataSource, labelSets);
  const checkpoints = new CheckpointService(dataSource);
  return {
    datasets: new DatasetService(dataSource),
    labelSets,
    experiments,
    runs: new RunService(dataSource),
    checkpoints,
    launches: new LaunchService(dataSource, queue, labelSets, experiments, checkpoints),
    comparisons: new ComparisonService(dataSource),
    predictions: new PredictionService(checkpoints, artifacts, backend),
  };
}
