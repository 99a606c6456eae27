import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { Checkpoint, LabelSet } from '../entities/index.js';
import { ModelImportError, readHuggingFaceFolder, saveCheckpoint } from '../training/index.js';
import { badInput, HeadroomError } from './errors.js';
import { LabelSetService } from './label-sets.js';
import { requireName } from './names.js';

export interface ImportedModel {
  checkpoint: Checkpoint;
  labelSet: LabelSet;
  /** The label set's labels, in head-row order. */
  labels: string[];
}

/**
 * Users' own models in: a Hugging Face folder becomes a checkpoint like any other, bound to a new
 * label set built from its id2label (indices kept). All or nothing: the folder is checked whole
 * before anything is written, and a failure after that removes what was written.
 */
export class ModelImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly artifacts: ArtifactStore,
    private readonly labelSets: LabelSetService,
  ) {}

  /** Imports the folder at `folder` (read, never moved or changed) under `name`. */
  async importFolder(folder: string, name: string): Promise<ImportedModel> {
    const checkedName = requireName(name, 'name');
    const model = await readHuggingFaceFolder(folder).catch((error: Error) => {
      throw error instanceof ModelImportError ? importError(error) : error;
    });
    const id = randomUUID();
    const artifactPath = this.artifacts.checkpointPath(id);
    const saved = await saveCheckpoint(model, this.artifacts.absolute(artifactPath));
    try {
      return await this.dataSource.transaction(async (manager) => {
        const labelSet = await this.labelSets.createIn(manager, { name: checkedName, labels: model.labels }).catch((error: Error) => {
          throw error instanceof HeadroomError ? labelError(error) : error;
        });
        const checkpoint = await manager.save(Checkpoint, {
          id,
          labelSetId: labelSet.id,
          parentId: null,
          producedByRunId: null,
          name: checkedName,
          source: { files: model.encoder.huggingFace.sourceFiles },
          encoder: { ...model.encoder.config },
          artifactPath,
          sizeBytes: saved.sizeBytes,
        });
        return { checkpoint, labelSet, labels: model.labels };
      });
    } catch (error) {
      await this.artifacts.remove(artifactPath);
      throw error;
    }
  }
}

/** The folder's problem as an API error: the file at fault is the field, the reason is stable. */
export function importError(error: ModelImportError): HeadroomError {
  const field = error.file ?? 'files';
  return error.reason === 'TOO_LARGE'
    ? new HeadroomError('LIMIT_EXCEEDED', error.message, field, { reason: error.reason })
    : badInput(field, error.message, { reason: error.reason });
}

/** A label of id2label that no label set may hold (too long, a control character): said in the file's terms. */
function labelError(error: HeadroomError): HeadroomError {
  const index = /\[(\d+)\]$/.exec(error.field ?? '')?.[1];
  if (index === undefined) return error;
  return badInput('config.json', `config.json: id2label["${index}"]: ${error.message}`, { reason: 'BAD_LABELS' });
}
