import { DataSource } from 'typeorm';
import { EpochMetric, Run, RunKind, RunStatus } from '../entities/index.js';
import { publishRunProgress } from '../events/publish.js';
import { EpochPayload } from '../events/run-progress.js';
import { notFound, requireId } from './errors.js';
import { Page, PageArgs, pageNewestFirst } from './pagination.js';

export interface RunFilter {
  experimentId?: string | null;
  status?: RunStatus | null;
  kind?: RunKind | null;
}

export class RunService {
  constructor(private readonly dataSource: DataSource) {}

  async get(id: string, field = 'id'): Promise<Run> {
    const run = await this.dataSource.getRepository(Run).findOneBy({ id: requireId(id, field) });
    if (!run) throw notFound('Run', id, field);
    return run;
  }

  list(filter: RunFilter, args: PageArgs): Promise<Page<Run>> {
    const query = this.dataSource.getRepository(Run).createQueryBuilder('run');
    if (filter.experimentId) query.andWhere('run.experiment_id = :experimentId', { experimentId: requireId(filter.experimentId, 'filter.experimentId') });
    if (filter.status) query.andWhere('run.status = :status', { status: filter.status });
    if (filter.kind) query.andWhere('run.kind = :kind', { kind: filter.kind });
    return pageNewestFirst(query, args);
  }

  epochs(runId: string): Promise<EpochMetric[]> {
    return this.dataSource.getRepository(EpochMetric).find({ where: { runId }, order: { epoch: 'ASC' } });
  }

  /**
   * Stores one epoch's metrics and tells every subscriber, in one transaction: the notification is
   * delivered only if the row is committed. Writing an epoch again (a retried run) replaces it.
   */
  async recordEpoch(runId: string, epoch: EpochPayload): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.upsert(EpochMetric, { runId, ...epoch }, ['runId', 'epoch']);
      const run = await manager.findOneByOrFail(Run, { id: runId });
      await publishRunProgress(manager, { runId, experimentId: run.experimentId, status: run.status, epoch, error: null });
    });
  }
}
