import { DataSource } from 'typeorm';
import { CheckpointService } from './checkpoints.js';
import { DatasetService } from './datasets.js';
import { ExperimentService } from './experiments.js';
import { LabelSetService } from './label-sets.js';
import { RunService } from './runs.js';

/** The application's operations, shared by the GraphQL resolvers and the CLI. */
export interface Services {
  datasets: DatasetService;
  labelSets: LabelSetService;
  experiments: ExperimentService;
  runs: RunService;
  checkpoints: CheckpointService;
}

export function createServices(dataSource: DataSource): Services {
  const labelSets = new LabelSetService(dataSource);
  return {
    datasets: new DatasetService(dataSource),
    labelSets,
    experiments: new ExperimentService(dataSource, labelSets),
    runs: new RunService(dataSource),
    checkpoints: new CheckpointService(dataSource),
  };
}
