import { DataSource } from 'typeorm';
import { Run, RunKind, RunStatus } from '../entities/index.js';
import { StoredRunOutcomes } from '../training/index.js';
import { notFound, requireId } from './errors.js';
import { firstPagesNewestFirst, Page, PageArgs, pageNewestFirst } from './pagination.js';

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

  /** The stored outcomes of each run, by id (null for a run without them); read apart because they are large. */
  async outcomes(ids: readonly string[]): Promise<Map<string, StoredRunOutcomes | null>> {
    const rows = await this.dataSource.getRepository(Run).createQueryBuilder('run').select('run.id').addSelect('run.outcomes').where('run.id IN (:...ids)', { ids }).getMany();
    return new Map(rows.map((run) => [run.id, run.outcomes ?? null]));
  }

  list(filter: RunFilter, args: PageArgs): Promise<Page<Run>> {
    return pageNewestFirst(this.filtered(filter), args);
  }

  /** The first page of each experiment's runs, for lists of experiments: `list` per experiment, in two statements. */
  firstPagesOfExperiments(experimentIds: readonly string[], filter: Omit<RunFilter, 'experimentId'>, first: number | null | undefined): Promise<Map<string, Page<Run>>> {
    return firstPagesNewestFirst(this.filtered(filter), 'experiment_id', experimentIds, first);
  }

  private filtered(filter: RunFilter) {
    const query = this.dataSource.getRepository(Run).createQueryBuilder('run');
    if (filter.experimentId) query.andWhere('run.experiment_id = :experimentId', { experimentId: requireId(filter.experimentId, 'filter.experimentId') });
    if (filter.status) query.andWhere('run.status = :status', { status: filter.status });
    if (filter.kind) query.andWhere('run.kind = :kind', { kind: filter.kind });
    return query;
  }
}
