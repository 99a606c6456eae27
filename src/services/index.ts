import { DataSource } from 'typeorm';
import { BatchReads } from './batch-reads.js';
import { CheckpointService } from './checkpoints.js';
import { DatasetService } from './datasets.js';
import { DeletionService } from './deletions.js';
import { ExperimentService } from './experiments.js';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { ApiKeyService } from '../auth/api-keys.js';
import { Limits } from '../config.js';
import { JobQueue } from '../jobs/job-queue.js';
import { Log } from '../log.js';
import { BackendChoice } from '../training/index.js';
import { ComparisonService } from './comparisons.js';
import { LabelSetService } from './label-sets.js';
import { LaunchService } from './launches.js';
import { ModelImportService } from './model-imports.js';
import { PredictionService } from './predictions.js';
import { RunService } from './runs.js';
import { StrategyStatistics } from './strategy-statistics.js';

/** The application's operations, shared by the GraphQL resolvers and the CLI. */
export interface Services {
  datasets: DatasetService;
  labelSets: LabelSetService;
  experiments: ExperimentService;
  runs: RunService;
  checkpoints: CheckpointService;
  launches: LaunchService;
  comparisons: ComparisonService;
  strategyStatistics: StrategyStatistics;
  predictions: PredictionService;
  modelImports: ModelImportService;
  apiKeys: ApiKeyService;
  deletions: DeletionService;
  batchReads: BatchReads;
}

export interface ServiceDependencies {
  dataSource: DataSource;
  queue: JobQueue;
  artifacts: ArtifactStore;
  backend: BackendChoice;
  limits: Limits;
  /** Where the services say what they did to runs (a cancel asked for), as the workers do. */
  log: Log;
}

export function createServices({ dataSource, queue, artifacts, backend, limits, log }: ServiceDependencies): Services {
  const labelSets = new LabelSetService(dataSource);
  const experiments = new ExperimentService(dataSource, labelSets);
  const checkpoints = new CheckpointService(dataSource);
  return {
    datasets: new DatasetService(dataSource, limits),
    labelSets,
    experiments,
    runs: new RunService(dataSource),
    checkpoints,
    launches: new LaunchService(dataSource, queue, labelSets, limits.maxActiveRunsPerKey, log),
    comparisons: new ComparisonService(dataSource),
    strategyStatistics: new StrategyStatistics(dataSource),
    predictions: new PredictionService(checkpoints, artifacts, backend),
    modelImports: new ModelImportService(dataSource, artifacts, labelSets),
    apiKeys: new ApiKeyService(dataSource),
    deletions: new DeletionService(dataSource, artifacts),
    batchReads: new BatchReads(dataSource),
  };
}
