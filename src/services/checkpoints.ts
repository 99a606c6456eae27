import { DataSource } from 'typeorm';
import { Checkpoint } from '../entities/index.js';
import { notFound, requireId } from './errors.js';
import { Page, PageArgs, pageNewestFirst } from './pagination.js';

export interface CheckpointFilter {
  labelSetId?: string | null;
}

export class CheckpointService {
  constructor(private readonly dataSource: DataSource) {}

  async get(id: string, field = 'id'): Promise<Checkpoint> {
    const checkpoint = await this.dataSource.getRepository(Checkpoint).findOneBy({ id: requireId(id, field) });
    if (!checkpoint) throw notFound('Checkpoint', id, field);
    return checkpoint;
  }

  list(filter: CheckpointFilter, args: PageArgs): Promise<Page<Checkpoint>> {
    const query = this.dataSource.getRepository(Checkpoint).createQueryBuilder('checkpoint');
    if (filter.labelSetId) query.andWhere('checkpoint.label_set_id = :labelSetId', { labelSetId: requireId(filter.labelSetId, 'filter.labelSetId') });
    return pageNewestFirst(query, args);
  }
}
