import express from 'express';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import { HeadroomError } from '../services/errors.js';
import { Services } from '../services/index.js';
import { Authenticate } from './authentication.js';
import { exportHeadSafetensors } from '../training/index.js';
import { assembledSafetensors } from '../training/huggingface/single-file-export.js';
import { SINGLE_FILE } from '../training/huggingface/safetensors-files.js';

export const CHECKPOINTS_PATH = '/checkpoints';

/**
 * Checkpoint downloads. `/checkpoints/<id>/files/model.json` and the weight files next to it form a
 * tfjs model folder, so tfjs's own HTTP loader can read a checkpoint straight from the API;
 * `/checkpoints/<id>/huggingface/<name>` are a BERT checkpoint's Hugging Face folder (config.json,
 * model.safetensors, tokenizer files) for from_pretrained, model.safetensors put together from the
 * checkpoint's shards as it is sent; `/checkpoints/<id>/head.safetensors` is the head in PyTorch's
 * nn.Linear layout.
 */
export function checkpointRoutes(services: Services, artifacts: ArtifactStore, authenticate: Authenticate): express.Router {
  const router = express.Router();
  // The same keys as the GraphQL API: a viewer may download, nobody without a key when keys are on.
  router.use(CHECKPOINTS_PATH, (req, res, next) => {
    authenticate(req.headers.authorization).then(
      () => next(),
      (error: Error) => res.status(401).json({ error: error.message, code: 'UNAUTHENTICATED' }),
    );
  });

  router.get(`${CHECKPOINTS_PATH}/:id/files/:name`, async (req, res, next) => {
    try {
      const folder = await checkpointFolder(services, artifacts, req.params.id);
      const files = await artifacts.checkpointFiles(folder);
      if (!files.some((file) => file.name === req.params.name)) {
        res.status(404).json({ error: `checkpoint ${req.params.id} has no file ${req.params.name}; its files are ${files.map((f) => f.name).join(', ')}` });
        return;
      }
      res.sendFile(path.join(folder, req.params.name));
    } catch (error) {
      next(error);
    }
  });

  router.get(`${CHECKPOINTS_PATH}/:id/huggingface/:name`, async (req, res, next) => {
    try {
      const checkpoint = await services.checkpoints.get(req.params.id, 'id');
      const files = await artifacts.huggingFaceFiles(checkpoint);
      if (files === null) {
        res.status(404).json({ error: `checkpoint ${req.params.id} is an embedding-bag model, which has no Hugging Face form; its tfjs files are under /files/`, code: 'NOT_FOUND' });
      } else if (!files.some((file) => file.name === req.params.name)) {
        res.status(404).json({ error: `checkpoint ${req.params.id} has no Hugging Face file ${req.params.name}; its files are ${files.map((f) => f.name).join(', ')}`, code: 'NOT_FOUND' });
      } else {
        const folder = artifacts.absolute(checkpoint.artifactPath);
        const assembled = req.params.name === SINGLE_FILE ? await assembledSafetensors(folder) : null;
        if (assembled === null) return res.sendFile(path.join(folder, req.params.name));
        res.setHeader('Content-Length', assembled.sizeBytes);
        res.type('application/octet-stream');
        if (req.method === 'HEAD') return res.end();
        await pipeline(Readable.from(assembled.chunks(), { objectMode: false }), res);
      }
    } catch (error) {
      next(error);
    }
  });

  router.get(`${CHECKPOINTS_PATH}/:id/head.safetensors`, async (req, res, next) => {
    try {
      const model = await services.predictions.model(req.params.id, 'id');
      res.setHeader('Content-Disposition', `attachment; filename="head-${req.params.id}.safetensors"`);
      res.type('application/octet-stream').send(exportHeadSafetensors(model.head, model.labels));
    } catch (error) {
      next(error);
    }
  });

  router.use(CHECKPOINTS_PATH, (error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (!(error instanceof HeadroomError)) return next(error);
    res.status(error.code === 'NOT_FOUND' ? 404 : 400).json({ error: error.message, code: error.code });
  });
  return router;
}

async function checkpointFolder(services: Services, artifacts: ArtifactStore, id: string): Promise<string> {
  const checkpoint = await services.checkpoints.get(id, 'id');
  return artifacts.absolute(checkpoint.artifactPath);
}
