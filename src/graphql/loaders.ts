import DataLoader from 'dataloader';
import { FindOptionsOrder } from 'typeorm';
import { Checkpoint, Dataset, DatasetLabel, EpochMetric, Experiment, Label, LabelSet, Run, RunKind, RunStatus } from '../entities/index.js';
import { notFound } from '../services/errors.js';
import { Services } from '../services/index.js';
import { Page } from '../services/pagination.js';
import { StoredRunOutcomes } from '../training/index.js';

/** The arguments of Experiment.runs: experiments in a list that ask for the same ones share a statement. */
export interface ExperimentRunsKey {
  experimentId: string;
  status: RunStatus | null;
  kind: RunKind | null;
  first: number | null | undefined;
  after: string | null | undefined;
}

/**
 * What field resolvers read, batched: every load made while one level of a result is resolved
 * becomes one statement (a list of 100 runs reads their 100 datasets at once). Nothing is
 * remembered between batches: a mutation reads what the one before it wrote, and a
 * subscription's context lasts as long as the subscription, where remembered rows would go stale.
 */
export function createLoaders(services: Services) {
  const { batchReads } = services;
  const loaderOptions = { cache: false };
  /** The row with each id; an id without one (deleted meanwhile) is NOT_FOUND for that item only. */
  const byId = <T extends { id: string }>(entity: new () => T, what: string) =>
    new DataLoader<string, T>(async (ids) => {
      const found = new Map((await batchReads.where(entity, 'id', ids)).map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? notFound(what, id, 'id'));
    }, loaderOptions);
  /** Every row whose `column` is the key, in `order`. */
  const byParent = <T extends object>(entity: new () => T, column: keyof T & string, order: FindOptionsOrder<T>) =>
    new DataLoader<string, T[]>(async (keys) => {
      const groups = new Map(keys.map((key) => [key, [] as T[]]));
      for (const row of await batchReads.where(entity, column, keys, order)) groups.get(row[column] as string)?.push(row);
      return keys.map((key) => groups.get(key)!);
    }, loaderOptions);

  return {
    run: byId(Run, 'Run'),
    experiment: byId(Experiment, 'Experiment'),
    dataset: byId(Dataset, 'Dataset'),
    labelSet: byId(LabelSet, 'Label set'),
    checkpoint: byId(Checkpoint, 'Checkpoint'),
    /** A run's output checkpoint, by run id (a run writes at most one). */
    producedCheckpoints: byParent(Checkpoint, 'producedByRunId', {}),
    labels: byParent(Label, 'labelSetId', { index: 'ASC' }),
    labelSetChildren: byParent(LabelSet, 'parentId', { createdAt: 'ASC' }),
    epochs: byParent(EpochMetric, 'runId', { epoch: 'ASC' }),
    /** Per-label counts, in label order (the order a new label set would use). */
    datasetLabels: byParent(DatasetLabel, 'datasetId', { label: 'ASC' }),
    experimentRuns: new DataLoader<ExperimentRunsKey, Page<Run>>((keys) => experimentRunPages(services, keys), loaderOptions),
    /** A run's per-example outcomes, by run id; null for a run without them. */
    runOutcomes: new DataLoader<string, StoredRunOutcomes | null>(async (ids) => {
      const found = await services.runs.outcomes(ids);
      return ids.map((id) => found.get(id) ?? null);
    }, loaderOptions),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** First pages of experiments that ask for the same runs come in one go; a later page (after) is read on its own. */
function experimentRunPages(services: Services, keys: readonly ExperimentRunsKey[]): Promise<Array<Page<Run> | Error>> {
  const groupOf = (key: ExperimentRunsKey) => JSON.stringify([key.status, key.kind, key.first]);
  const groups = new Map<string, ExperimentRunsKey[]>();
  for (const key of keys.filter((key) => !key.after)) {
    if (!groups.has(groupOf(key))) groups.set(groupOf(key), []);
    groups.get(groupOf(key))!.push(key);
  }
  const firstPages = new Map(
    [...groups].map(([group, members]) => {
      const { status, kind, first } = members[0];
      return [group, services.runs.firstPagesOfExperiments(members.map((key) => key.experimentId), { status, kind }, first)];
    }),
  );
  return Promise.all(
    keys.map(async (key) => {
      try {
        return key.after ? await services.runs.list(key, key) : (await firstPages.get(groupOf(key))!).get(key.experimentId)!;
      } catch (error) {
        return error as Error;
      }
    }),
  );
}
