import { Run } from '../../src/entities/index.js';
import { Claim } from '../../src/jobs/run-lifecycle.js';
import { TestServer } from './test-server.js';

/** A tiny dataset with the given labels, 3 train + 1 validation + 1 test example each. */
export async function importTinyDataset(server: TestServer, name: string, labels: string[]): Promise<string> {
  const rows = labels.flatMap((label) =>
    ['train', 'train', 'train', 'validation', 'test'].map((split, i) => `${label} example ${i},${label},${split}`),
  );
  const { importDataset } = await server.ok(
    `mutation($input: ImportDatasetInput!) { importDataset(input: $input) { id } }`,
    { input: { name, format: 'CSV', content: ['text,label,split', ...rows].join('\n') } },
  );
  return importDataset.id;
}

export async function createLabelSet(server: TestServer, name: string, labels: string[]): Promise<string> {
  const { createLabelSet } = await server.ok(`mutation($input: CreateLabelSetInput!) { createLabelSet(input: $input) { id } }`, {
    input: { name, labels },
  });
  return createLabelSet.id;
}

export async function extendLabelSet(server: TestServer, parentId: string, addLabels: string[]): Promise<string> {
  const { extendLabelSet } = await server.ok(`mutation($input: ExtendLabelSetInput!) { extendLabelSet(input: $input) { id } }`, {
    input: { parentId, addLabels },
  });
  return extendLabelSet.id;
}

/**
 * A checkpoint row bound to a label set, as a finished base training run would leave it. Until the
 * job layer trains real ones, tests that only need the row (lineage, validation) insert it directly.
 */
export async function insertCheckpointRow(server: TestServer, labelSetId: string): Promise<string> {
  const [row] = await server.sql<{ id: string }>(
    `INSERT INTO checkpoint (label_set_id, encoder, artifact_path, size_bytes) VALUES ($1, '{}', 'none', 0) RETURNING id`,
    [labelSetId],
  );
  return row.id;
}

/** A run row in the given status, as a worker would leave it. */
export async function insertRunRow(
  server: TestServer,
  fields: { datasetId: string; labelSetId: string; experimentId?: string | null; status: string; error?: string | null },
): Promise<string> {
  const [row] = await server.sql<{ id: string }>(
    `INSERT INTO run (kind, status, experiment_id, dataset_id, label_set_id, seed, settings, error)
     VALUES ($1, $2, $3, $4, $5, 0, '{}', $6) RETURNING id`,
    [
      fields.experimentId ? 'HEAD_EXPANSION' : 'BASE_TRAINING',
      fields.status,
      fields.experimentId ?? null,
      fields.datasetId,
      fields.labelSetId,
      fields.error ?? null,
    ],
  );
  return row.id;
}

/** The claim of a run's current attempt, as the worker training it would hold it. */
export async function currentClaim(server: TestServer, runId: string): Promise<Claim> {
  const run = await server.headroom.database.dataSource.getRepository(Run).findOneByOrFail({ id: runId });
  return { run, attempt: run.attempts };
}
