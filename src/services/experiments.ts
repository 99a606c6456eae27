import { DataSource, EntityManager } from 'typeorm';
import { Checkpoint, Dataset, Experiment, LabelSet, Run } from '../entities/index.js';
import { badInput, conflict, notFound, requireId } from './errors.js';
import { LabelSetService } from './label-sets.js';
import { requireName, requireStorable } from './names.js';
import { Page, PageArgs, pageNewestFirst } from './pagination.js';

const MAX_DESCRIPTION_LENGTH = 10_000;
const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 50;

export interface CreateExperimentInput {
  name: string;
  description?: string | null;
  baseCheckpointId?: string | null;
  targetLabelSetId: string;
  datasetId: string;
  tags?: string[] | null;
}

export interface UpdateExperimentInput {
  id: string;
  name?: string | null;
  description?: string | null;
  baseCheckpointId?: string | null;
  targetLabelSetId?: string | null;
  datasetId?: string | null;
  tags?: string[] | null;
}

export interface ExperimentFilter {
  /** Case-insensitive substring of the name or description. */
  search?: string | null;
  /** Experiments carrying every one of these tags. */
  tags?: string[] | null;
  /** false (the default): active ones; true: archived ones; null: both. */
  archived?: boolean | null;
  datasetId?: string | null;
  targetLabelSetId?: string | null;
  baseCheckpointId?: string | null;
}

export class ExperimentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly labelSets: LabelSetService,
  ) {}

  async create(input: CreateExperimentInput): Promise<Experiment> {
    const fields = {
      name: requireName(input.name, 'input.name'),
      description: requireDescription(input.description ?? ''),
      tags: requireTags(input.tags ?? []),
      targetLabelSetId: input.targetLabelSetId,
      datasetId: input.datasetId,
      baseCheckpointId: input.baseCheckpointId ?? null,
    };
    return this.dataSource.transaction(async (manager) => {
      await this.checkReferences(manager, fields);
      return manager.save(manager.create(Experiment, fields));
    });
  }

  async update(input: UpdateExperimentInput): Promise<Experiment> {
    return this.dataSource.transaction(async (manager) => {
      const experiment = await manager.findOne(Experiment, { where: { id: requireId(input.id, 'input.id') }, lock: { mode: 'pessimistic_write' } });
      if (!experiment) throw notFound('Experiment', input.id, 'input.id');
      if (input.name !== undefined && input.name !== null) experiment.name = requireName(input.name, 'input.name');
      if (input.description !== undefined && input.description !== null) experiment.description = requireDescription(input.description);
      if (input.tags !== undefined && input.tags !== null) experiment.tags = requireTags(input.tags);

      const moves = (['baseCheckpointId', 'targetLabelSetId', 'datasetId'] as const).filter(
        (key) => input[key] !== undefined && input[key] !== null && input[key] !== experiment[key],
      );
      if (moves.length > 0) {
        if (await manager.existsBy(Run, { experimentId: experiment.id })) {
          throw conflict(
            `input.${moves[0]}`,
            `the experiment already has runs, which used its current ${moves[0].replace(/Id$/, '')}; create a new experiment instead`,
          );
        }
        for (const key of moves) experiment[key] = input[key]!;
        await this.checkReferences(manager, experiment);
      }
      return manager.save(experiment);
    });
  }

  async archive(id: string, archived: boolean): Promise<Experiment> {
    const repository = this.dataSource.getRepository(Experiment);
    const experiment = await repository.findOneBy({ id: requireId(id, 'id') });
    if (!experiment) throw notFound('Experiment', id, 'id');
    if (archived !== (experiment.archivedAt !== null)) {
      experiment.archivedAt = archived ? new Date() : null;
      await repository.save(experiment);
    }
    return experiment;
  }

  async get(id: string, field = 'id'): Promise<Experiment> {
    const experiment = await this.dataSource.getRepository(Experiment).findOneBy({ id: requireId(id, field) });
    if (!experiment) throw notFound('Experiment', id, field);
    return experiment;
  }

  list(filter: ExperimentFilter, args: PageArgs): Promise<Page<Experiment>> {
    const query = this.dataSource.getRepository(Experiment).createQueryBuilder('experiment');
    const archived = filter.archived === undefined ? false : filter.archived;
    if (archived !== null) query.andWhere(`experiment.archived_at IS ${archived ? 'NOT NULL' : 'NULL'}`);
    if (filter.search?.trim()) {
      const pattern = `%${requireStorable(filter.search.trim(), 'filter.search').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query.andWhere('(experiment.name ILIKE :pattern OR experiment.description ILIKE :pattern)', { pattern });
    }
    if (filter.tags?.length) {
      query.andWhere('experiment.tags @> :tags', { tags: filter.tags.map((tag, i) => requireStorable(tag, `filter.tags[${i}]`)) });
    }
    for (const key of ['datasetId', 'targetLabelSetId', 'baseCheckpointId'] as const) {
      const value = filter[key];
      if (value) query.andWhere(`experiment.${snake(key)} = :${key}`, { [key]: requireId(value, `filter.${key}`) });
    }
    return pageNewestFirst(query, args);
  }

  /** Every id points at a row, and the target label set really extends the base checkpoint's. */
  private async checkReferences(
    manager: EntityManager,
    fields: Pick<Experiment, 'targetLabelSetId' | 'datasetId' | 'baseCheckpointId'>,
  ): Promise<void> {
    if (!(await manager.existsBy(LabelSet, { id: requireId(fields.targetLabelSetId, 'input.targetLabelSetId') }))) {
      throw notFound('Label set', fields.targetLabelSetId, 'input.targetLabelSetId');
    }
    if (!(await manager.existsBy(Dataset, { id: requireId(fields.datasetId, 'input.datasetId') }))) {
      throw notFound('Dataset', fields.datasetId, 'input.datasetId');
    }
    if (!fields.baseCheckpointId) return;
    const checkpoint = await manager.findOneBy(Checkpoint, { id: requireId(fields.baseCheckpointId, 'input.baseCheckpointId') });
    if (!checkpoint) throw notFound('Checkpoint', fields.baseCheckpointId, 'input.baseCheckpointId');
    if (checkpoint.labelSetId === fields.targetLabelSetId) {
      throw badInput('input.targetLabelSetId', 'the target label set is the base checkpoint\'s own: it adds no labels; extend it with extendLabelSet first');
    }
    if (!(await this.labelSets.isSameOrExtensionOf(manager, fields.targetLabelSetId, checkpoint.labelSetId))) {
      throw badInput(
        'input.targetLabelSetId',
        'the target label set does not extend the base checkpoint\'s label set; create it with extendLabelSet from that label set',
      );
    }
  }
}

function requireDescription(value: string): string {
  if (value.length > MAX_DESCRIPTION_LENGTH) {
    throw badInput('input.description', `input.description is ${value.length} characters long; use at most ${MAX_DESCRIPTION_LENGTH}`);
  }
  return requireStorable(value, 'input.description');
}

function requireTags(values: string[]): string[] {
  if (values.length > MAX_TAGS) throw badInput('input.tags', `input.tags has ${values.length} tags; use at most ${MAX_TAGS}`);
  const tags = values.map((value, index) => {
    const tag = requireName(value, `input.tags[${index}]`);
    if (tag.length > MAX_TAG_LENGTH) throw badInput(`input.tags[${index}]`, `tags are at most ${MAX_TAG_LENGTH} characters long`);
    return tag;
  });
  return [...new Set(tags)];
}

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
