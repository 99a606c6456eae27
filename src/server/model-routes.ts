import express from 'express';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { allows, Role } from '../auth/roles.js';
import { HeadroomError } from '../services/errors.js';
import { importError } from '../services/model-imports.js';
import { Services } from '../services/index.js';
import { checkFolderFileNames, HUGGING_FACE_FILE, ModelImportError } from '../training/index.js';
import { Authenticate } from './authentication.js';
import { receiveFolder, UploadError } from './folder-upload.js';

export const MODELS_PATH = '/models';

/**
 * `POST /models`: a Hugging Face model folder in, as multipart/form-data: a `name` field and the
 * folder's files as file parts (`headroom import-model` sends exactly that; a page can send the
 * files of an `<input type=file webkitdirectory>`). The files stream to disk under the artifact
 * store, never whole in memory, and are gone when the request ends, imported or not. Answers 201
 * with `{ data: { checkpointId, labelSetId, labels, name, ignoredFiles } }`, or an `errors` list
 * shaped as GraphQL's (extensions.code, reason, field).
 */
export function modelRoutes(services: Services, artifacts: ArtifactStore, authenticate: Authenticate, maxModelBytes: number): express.Router {
  const router = express.Router();
  const limitHint = `HEADROOM_MAX_MODEL_MB=${Math.round(maxModelBytes / 2 ** 20)}`;

  router.post(MODELS_PATH, async (req, res) => {
    const refuse = (status: number, code: string, message: string, extensions: Record<string, unknown> = {}) =>
      res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
    let principal;
    try {
      principal = await authenticate(req.headers.authorization);
    } catch (error) {
      return refuse(401, 'UNAUTHENTICATED', (error as Error).message);
    }
    if (!allows(principal.role, Role.RESEARCHER)) return refuse(403, 'FORBIDDEN', `importing a model needs the RESEARCHER role; this API key has ${principal.role}`);

    const upload = artifacts.uploadFolder(randomUUID());
    await fs.mkdir(upload, { recursive: true });
    let outcome: { status: number; body: unknown };
    try {
      outcome = await importUpload(req, upload);
    } finally {
      // Gone before the answer: whoever hears it can count on nothing being left of the upload.
      await fs.rm(upload, { recursive: true, force: true });
    }
    res.status(outcome.status).json(outcome.body);
  });

  async function importUpload(req: express.Request, upload: string): Promise<{ status: number; body: unknown }> {
    const failure = (status: number, code: string, message: string, extensions: Record<string, unknown> = {}) => ({
      status,
      body: { errors: [{ message, extensions: { code, ...extensions } }] },
    });
    try {
      const received = await receiveFolder(req, upload, { maxBytes: maxModelBytes, accept: HUGGING_FACE_FILE, limitHint });
      checkFolderFileNames([...received.files, ...received.skipped]);
      const name = received.fields.name;
      if (name === undefined) return failure(400, 'BAD_USER_INPUT', 'the upload has no name field: send name=<what to call the model> with the files', { field: 'name' });
      const { checkpoint, labelSet, labels } = await services.modelImports.importFolder(upload, name);
      return {
        status: 201,
        body: { data: { checkpointId: checkpoint.id, labelSetId: labelSet.id, labels: labels.length, name: checkpoint.name, ignoredFiles: received.skipped } },
      };
    } catch (error) {
      const coded = error instanceof ModelImportError ? importError(error) : error;
      if (coded instanceof UploadError) {
        const tooLarge = coded.code === 'PAYLOAD_TOO_LARGE';
        return failure(tooLarge ? 413 : 400, coded.code, coded.message, tooLarge ? { reason: 'TOO_LARGE' } : {});
      }
      if (coded instanceof HeadroomError) return failure(400, coded.code, coded.message, { ...(coded.field ? { field: coded.field } : {}), ...coded.details });
      throw error;
    }
  }
  return router;
}
