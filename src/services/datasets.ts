import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { DatasetFileError, DatasetRow, ParsedDatasetFile, parseDatasetFile } from '../data/dataset-file.js';
import { Dataset, DatasetFormat, Example, Split } from '../entities/index.js';
import { Limits } from '../config.js';
import { badInput, conflict, HeadroomError, isUniqueViolation, notFound, requireId } from './errors.js';
import { MAX_NAME_LENGTH, requireName, requireStorable } from './names.js';
import { Page, PageArgs, pageByPosition, pageNewestFirst } from './pagination.js';

/** Rows per INSERT: unnest() takes one array per column, so the statement size stays flat. */
const INSERT_CHUNK = 10_000;

export interface ImportDatasetInput {
  name: string;
  format: DatasetFormat;
  content: string;
  textColumn?: string | null;
  labelColumn?: string | null;
  splitColumn?: string | null;
}

export interface ExampleFilter {
  split?: Split | null;
  label?: string | null;
}

export class DatasetService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly limits: Pick<Limits, 'maxUploadBytes' | 'maxExamplesPerDataset'>,
  ) {}

  async import(input: ImportDatasetInput): Promise<Dataset> {
    const name = requireName(input.name, 'input.name');
    const parsed = parse(input, this.limits.maxUploadBytes);
    if (parsed.rows.length > this.limits.maxExamplesPerDataset) {
      throw new HeadroomError('LIMIT_EXCEEDED', `the file has ${parsed.rows.length} examples; this server takes at most ${this.limits.maxExamplesPerDataset} per dataset`, 'input.content', {
        reason: 'TOO_MANY_EXAMPLES',
      });
    }
    const nameTaken = () => conflict('input.name', `a dataset named ${JSON.stringify(name)} already exists; choose another name`);
    return this.dataSource.transaction(async (manager) => {
      if (await manager.existsBy(Dataset, { name })) {
        throw nameTaken();
      }
      const dataset = await manager.save(
        manager.create(Dataset, {
          name,
          format: input.format,
          textColumn: parsed.columns.text,
          labelColumn: parsed.columns.label,
          splitColumn: parsed.columns.split,
          exampleCount: parsed.rows.length,
          generatedSplitCount: parsed.generatedSplits,
          carvedValidationCount: parsed.carvedValidation,
          contentSha256: createHash('sha256').update(input.content, 'utf8').digest('hex'),
          sizeBytes: Buffer.byteLength(input.content, 'utf8'),
        }),
      );
      await insertExamples(manager, dataset.id, parsed.rows);
      await insertLabelCounts(manager, dataset.id, parsed.rows);
      return dataset;
    }).catch((error: unknown) => {
      // Imports under one name at the same time all pass the check above; the unique index picks one.
      throw isUniqueViolation(error, 'dataset') ? nameTaken() : error;
    });
  }

  async get(id: string, field = 'id'): Promise<Dataset> {
    const dataset = await this.dataSource.getRepository(Dataset).findOneBy({ id: requireId(id, field) });
    if (!dataset) throw notFound('Dataset', id, field);
    return dataset;
  }

  list(args: PageArgs): Promise<Page<Dataset>> {
    return pageNewestFirst(this.dataSource.getRepository(Dataset).createQueryBuilder('dataset'), args);
  }

  examples(datasetId: string, filter: ExampleFilter, args: PageArgs): Promise<Page<Example>> {
    const query = this.dataSource
      .getRepository(Example)
      .createQueryBuilder('example')
      .where('example.dataset_id = :datasetId', { datasetId });
    if (filter.split) query.andWhere('example.split = :split', { split: filter.split });
    if (filter.label !== undefined && filter.label !== null) query.andWhere('example.label = :label', { label: requireStorable(filter.label.trim(), 'filter.label') });
    return pageByPosition(query, 'ordinal', (example) => example.ordinal, args);
  }
}

function parse(input: ImportDatasetInput, maxBytes: number): ParsedDatasetFile {
  let parsed: ParsedDatasetFile;
  try {
    parsed = parseDatasetFile({
      format: input.format,
      content: input.content,
      maxBytes,
      textColumn: input.textColumn ?? undefined,
      labelColumn: input.labelColumn ?? undefined,
      splitColumn: input.splitColumn ?? undefined,
    });
  } catch (error) {
    if (!(error instanceof DatasetFileError)) throw error;
    throw badInput('input.content', error.message, { reason: error.code, line: error.line, column: error.field });
  }
  requireColumnNames(parsed.columns);
  return parsed;
}

/** The file's spelling of each chosen column is stored; a column named in the options can have any name. */
function requireColumnNames(columns: ParsedDatasetFile['columns']): void {
  for (const role of ['text', 'label', 'split'] as const) {
    const column = columns[role];
    if (column === null) continue;
    const field = `input.${role}Column`;
    requireStorable(column, field);
    if (column.length > MAX_NAME_LENGTH) throw badInput(field, `${field} picks a column whose name is ${column.length} characters long; use one of at most ${MAX_NAME_LENGTH}`);
  }
}

async function insertExamples(manager: EntityManager, datasetId: string, rows: DatasetRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const chunk = rows.slice(start, start + INSERT_CHUNK);
    await manager.query(
      `INSERT INTO example (dataset_id, ordinal, text, label, split)
       SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::split[])`,
      [
        datasetId,
        chunk.map((_, i) => start + i),
        chunk.map((row) => row.text),
        chunk.map((row) => row.label),
        chunk.map((row) => row.split),
      ],
    );
  }
}

async function insertLabelCounts(manager: EntityManager, datasetId: string, rows: DatasetRow[]): Promise<void> {
  const counts = new Map<string, Record<DatasetRow['split'], number>>();
  for (const row of rows) {
    let entry = counts.get(row.label);
    if (!entry) counts.set(row.label, (entry = { train: 0, validation: 0, test: 0 }));
    entry[row.split] += 1;
  }
  const labels = [...counts.keys()];
  await manager.query(
    `INSERT INTO dataset_label (dataset_id, label, train, validation, test)
     SELECT $1, * FROM unnest($2::text[], $3::int[], $4::int[], $5::int[])`,
    [
      datasetId,
      labels,
      labels.map((label) => counts.get(label)!.train),
      labels.map((label) => counts.get(label)!.validation),
      labels.map((label) => counts.get(label)!.test),
    ],
  );
}
