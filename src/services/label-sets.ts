import { DataSource, EntityManager } from 'typeorm';
import { Queryable } from '../db/queryable.js';
import { Label, LabelSet } from '../entities/index.js';
import { badInput, notFound, requireId } from './errors.js';
import { requireName } from './names.js';
import { Page, PageArgs, pageNewestFirst } from './pagination.js';

export interface CreateLabelSetInput {
  name: string;
  labels: string[];
}

export interface ExtendLabelSetInput {
  parentId: string;
  addLabels: string[];
  name?: string | null;
}

export class LabelSetService {
  constructor(private readonly dataSource: DataSource) {}

  create(input: CreateLabelSetInput): Promise<LabelSet> {
    return this.dataSource.transaction((manager) => this.createIn(manager, input));
  }

  /** create() inside the caller's transaction. */
  createIn(manager: EntityManager, input: CreateLabelSetInput): Promise<LabelSet> {
    const name = requireName(input.name, 'input.name');
    const labels = requireLabels(input.labels, 'input.labels', []);
    return insertLabelSet(manager, { name, version: 1, parentId: null }, labels);
  }

  /** A child that appends labels: index i of the parent is index i of the child, always. */
  async extend(input: ExtendLabelSetInput): Promise<LabelSet> {
    return this.dataSource.transaction(async (manager) => {
      const parent = await manager.findOneBy(LabelSet, { id: requireId(input.parentId, 'input.parentId') });
      if (!parent) throw notFound('Label set', input.parentId, 'input.parentId');
      const existing = await labelNames(manager, parent.id);
      const added = requireLabels(input.addLabels, 'input.addLabels', existing);
      const name = input.name === undefined || input.name === null ? parent.name : requireName(input.name, 'input.name');
      return insertLabelSet(manager, { name, version: parent.version + 1, parentId: parent.id }, [...existing, ...added]);
    });
  }

  async get(id: string, field = 'id'): Promise<LabelSet> {
    const labelSet = await this.dataSource.getRepository(LabelSet).findOneBy({ id: requireId(id, field) });
    if (!labelSet) throw notFound('Label set', id, field);
    return labelSet;
  }

  list(args: PageArgs): Promise<Page<LabelSet>> {
    return pageNewestFirst(this.dataSource.getRepository(LabelSet).createQueryBuilder('label_set'), args);
  }

  /** The labels' names in index order, read in the caller's transaction; NOT_FOUND when there is no such label set. */
  async labelNamesIn(manager: EntityManager, labelSetId: string, field: string): Promise<string[]> {
    if (!(await manager.existsBy(LabelSet, { id: requireId(labelSetId, field) }))) throw notFound('Label set', labelSetId, field);
    return labelNames(manager, labelSetId);
  }

  labels(labelSetId: string): Promise<Label[]> {
    return this.dataSource.getRepository(Label).find({ where: { labelSetId }, order: { index: 'ASC' } });
  }

  /** Labels that occur in the dataset but have no row in this label set, by name. */
  async uncoveredDatasetLabels(labelSetId: string, datasetId: string): Promise<string[]> {
    const rows: Array<{ label: string }> = await this.dataSource.query(
      `SELECT d.label FROM dataset_label d
       WHERE d.dataset_id = $1
         AND NOT EXISTS (SELECT 1 FROM label l WHERE l.label_set_id = $2 AND l.name = d.label)
       ORDER BY d.label`,
      [datasetId, labelSetId],
    );
    return rows.map((row) => row.label);
  }

  /** True when `descendantId` is `ancestorId` or was made from it by one or more extensions; `db` is the caller's transaction, if any. */
  async isSameOrExtensionOf(db: Queryable, descendantId: string, ancestorId: string): Promise<boolean> {
    const rows: unknown[] = await db.query(
      `WITH RECURSIVE lineage(id, parent_id) AS (
         SELECT id, parent_id FROM label_set WHERE id = $1
         UNION ALL
         SELECT s.id, s.parent_id FROM label_set s JOIN lineage ON s.id = lineage.parent_id
       )
       SELECT 1 FROM lineage WHERE id = $2`,
      [descendantId, ancestorId],
    );
    return rows.length > 0;
  }
}

async function labelNames(manager: EntityManager, labelSetId: string): Promise<string[]> {
  const labels = await manager.find(Label, { where: { labelSetId }, order: { index: 'ASC' } });
  return labels.map((label) => label.name);
}

async function insertLabelSet(
  manager: EntityManager,
  fields: Pick<LabelSet, 'name' | 'version' | 'parentId'>,
  labels: string[],
): Promise<LabelSet> {
  const labelSet = await manager.save(manager.create(LabelSet, fields));
  await manager.query(
    `INSERT INTO label (label_set_id, index, name) SELECT $1, * FROM unnest($2::int[], $3::text[])`,
    [labelSet.id, labels.map((_, index) => index), labels],
  );
  return labelSet;
}

/**
 * Trimmed, non-blank, unique labels that are not already in `existing`. Every rejection names the
 * offending position, because a long list pasted by hand is where these mistakes happen.
 */
function requireLabels(values: string[], field: string, existing: string[]): string[] {
  if (values.length === 0) throw badInput(field, `${field} is empty; give at least one label`);
  const existingIndex = new Map(existing.map((name, index) => [name, index]));
  const seen = new Map<string, number>();
  return values.map((value, position) => {
    const name = requireName(value, `${field}[${position}]`);
    const inParent = existingIndex.get(name);
    if (inParent !== undefined) {
      throw badInput(
        `${field}[${position}]`,
        `${JSON.stringify(name)} is already label ${inParent} of the parent; an extension only appends new labels, ` +
          'it cannot repeat, reorder or remove the parent\'s labels',
        { reason: 'LABEL_ALREADY_PRESENT' },
      );
    }
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw badInput(`${field}[${position}]`, `${JSON.stringify(name)} appears twice (positions ${earlier} and ${position}); list each label once`, {
        reason: 'DUPLICATE_LABEL',
      });
    }
    seen.set(name, position);
    return name;
  });
}
