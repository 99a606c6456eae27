import { DataSource } from 'typeorm';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { countActiveRuns, datasetUsers, deleteCheckpoints, unusedCheckpoints } from '../db/deletion-plans.js';
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
      const { experiments, runs } = await datasetUsers(manager, id);
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
      const active = await countActiveRuns(manager, id);
      if (active > 0) throw conflict('id', `the experiment has ${active} queued or running runs; cancel them first`);
      const unused = await unusedCheckpoints(manager, id);
      await deleteCheckpoints(manager, unused.map((checkpoint) => checkpoint.id));
      await manager.delete(Experiment, { id });
      return { experiment: found, artifactPaths: unused.map((checkpoint) => checkpoint.artifact_path) };
    });
    // Files go after the rows are gone for good: a failed transaction must not leave rows without files.
    // One call, so the blobs the folders alone held are swept once, after all of them are gone.
    await this.artifacts.remove(...artifactPaths);
    return experiment;
  }
}
