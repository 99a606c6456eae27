import { DataSource } from 'typeorm';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { Dataset, Experiment } from '../entities/index.js';
import { conflict, notFound, requireId } from './errors.js';

/** Admin deletions, refused (CONFLICT) while anything still depends on what would go. */
export class DeletionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly artifacts: ArtifactStore,
  ) {}

  /** A dataset and its examples; only once no experiment or run refers to it. */
  async deleteDataset(id: string): Promise<Dataset> {
    return this.dataSource.transaction(async (manager) => {
      const dataset = await manager.findOne(Dataset, { where: { id: requireId(id, 'id') }, lock: { mode: 'pessimistic_write' } });
      if (!dataset) throw notFound('Dataset', id, 'id');
      const [{ experiments, runs }] = await manager.query(
        `SELECT (SELECT count(*)::int FROM experiment WHERE dataset_id = $1) AS experiments, (SELECT count(*)::int FROM run WHERE dataset_id = $1) AS runs`,
        [id],
      );
      if (experiments + runs > 0) {
        throw conflict('id', `${experiments} experiments and ${runs} runs use dataset ${JSON.stringify(dataset.name)}; delete those first`);
      }
      await manager.delete(Dataset, { id });
      return dataset;
    });
  }

  /**
   * An experiment, its runs and their epochs, and the checkpoints its runs wrote that nothing else
   * builds on (a checkpoint another experiment or run starts from stays, without its producing run).
   */
  async deleteExperiment(id: string): Promise<Experiment> {
    const { experiment, artifactPaths } = await this.dataSource.transaction(async (manager) => {
      const found = await manager.findOne(Experiment, { where: { id: requireId(id, 'id') }, lock: { mode: 'pessimistic_write' } });
      if (!found) throw notFound('Experiment', id, 'id');
      const [{ active }] = await manager.query(`SELECT count(*)::int AS active FROM run WHERE experiment_id = $1 AND status IN ('QUEUED', 'RUNNING')`, [id]);
      if (active > 0) throw conflict('id', `the experiment has ${active} queued or running runs; cancel them first`);
      const unused: Array<{ id: string; artifact_path: string }> = await manager.query(
        `SELECT c.id, c.artifact_path FROM checkpoint c JOIN run r ON r.id = c.produced_by_run_id
         WHERE r.experiment_id = $1
           AND NOT EXISTS (SELECT 1 FROM experiment e WHERE e.base_checkpoint_id = c.id AND e.id <> $1)
           AND NOT EXISTS (SELECT 1 FROM run o WHERE o.base_checkpoint_id = c.id AND o.experiment_id IS DISTINCT FROM $1)
           AND NOT EXISTS (SELECT 1 FROM checkpoint child WHERE child.parent_id = c.id)`,
        [id],
      );
      await manager.query('DELETE FROM checkpoint WHERE id = ANY($1)', [unused.map((checkpoint) => checkpoint.id)]);
      await manager.delete(Experiment, { id });
      return { experiment: found, artifactPaths: unused.map((checkpoint) => checkpoint.artifact_path) };
    });
    // Files go after the rows are gone for good: a failed transaction must not leave rows without files.
    await Promise.all(artifactPaths.map((relative) => this.artifacts.remove(relative)));
    return experiment;
  }
}
