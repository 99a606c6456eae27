import { DataSource } from 'typeorm';
import { CheckpointService } from './checkpoints.js';
import { DatasetService } from './datasets.js';
import { ExperimentService } from './experiments.js';
import { JobQueue } from '../jobs/job-queue.js';
import { LabelSetService } from './label-sets.js';
import { LaunchService } from './launches.js';
import { RunService } from './runs.js';

/** The application's operations, shared by the GraphQL resolvers and the CLI. */
export interface Services {
  datasets: DatasetService;
  labelSets: LabelSetService;
  experiments: ExperimentService;
  runs: RunService;
  checkpoints: CheckpointService;
  launches: LaunchService;
}

export function createServices(dataSource: DataSource, queue: JobQueue): Services {
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
  };
}
