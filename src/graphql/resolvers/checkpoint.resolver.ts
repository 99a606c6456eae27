import { Arg, Args, Ctx, FieldResolver, Float, ID, Query, Resolver, Root } from 'type-graphql';
import { Checkpoint } from '../../entities/index.js';
import { GraphQLContext } from '../context.js';
import { CheckpointFilterInput } from '../inputs/checkpoint.js';
import { PageArgs } from '../inputs/page.js';
import { CHECKPOINTS_PATH } from '../../server/checkpoint-routes.js';
import { EncoderConfig } from '../../training/index.js';
import {
  CheckpointConnection,
  CheckpointFileObject,
  CheckpointObject,
  DOWNLOAD_URL_RULE,
  EncoderArchitectureObject,
  EncoderKind,
  SourceFileObject,
} from '../types/checkpoint.js';
import { toConnection } from '../types/connection.js';
import { LabelSetObject } from '../types/label-set.js';
import { RunObject } from '../types/run.js';

@Resolver(() => CheckpointObject)
export class CheckpointResolver {
  @Query(() => CheckpointConnection, { description: 'Checkpoints, newest first.' })
  async checkpoints(
    @Arg('filter', () => CheckpointFilterInput, { nullable: true, description: 'Which checkpoints; default all.' }) filter: CheckpointFilterInput | null,
    @Args() page: PageArgs,
    @Ctx() { services }: GraphQLContext,
  ) {
    return toConnection(await services.checkpoints.list(filter ?? {}, page));
  }

  @Query(() => CheckpointObject, { nullable: true, description: 'One checkpoint; a NOT_FOUND error when the id is unknown.' })
  checkpoint(@Arg('id', () => ID, { description: 'The checkpoint\'s id.' }) id: string, @Ctx() { services }: GraphQLContext) {
    return services.checkpoints.get(id);
  }

  @FieldResolver(() => LabelSetObject, { description: 'The label set its head rows follow.' })
  labelSet(@Root() checkpoint: Checkpoint, @Ctx() { loaders }: GraphQLContext) {
    return loaders.labelSet.load(checkpoint.labelSetId);
  }

  @FieldResolver(() => CheckpointObject, { nullable: true, description: 'The checkpoint it was expanded from; null for one trained from scratch.' })
  parent(@Root() checkpoint: Checkpoint, @Ctx() { loaders }: GraphQLContext) {
    return checkpoint.parentId ? loaders.checkpoint.load(checkpoint.parentId) : null;
  }

  @FieldResolver(() => [CheckpointFileObject], {
    description: 'model.json and its weight files: a tfjs model folder, so tfjs\'s HTTP loader given the url of model.json reads the weights next to it.',
  })
  async files(@Root() checkpoint: Checkpoint, @Ctx() { artifacts, baseUrl }: GraphQLContext) {
    const files = await artifacts.checkpointFiles(artifacts.absolute(checkpoint.artifactPath));
    return files.map((file) => ({ ...file, url: `${baseUrl}${CHECKPOINTS_PATH}/${checkpoint.id}/files/${file.name}` }));
  }

  @FieldResolver(() => Float, {
    description:
      'Bytes on disk that this checkpoint shares with no other checkpoint: what deleting it frees. Checkpoints keep identical files once, ' +
      'so a checkpoint whose run changed only the head (a head-only expansion) shares its encoder with the checkpoint it came from and adds ' +
      'little more than its head; sizeBytes counts everything it holds.',
  })
  unsharedBytes(@Root() checkpoint: Checkpoint, @Ctx() { artifacts }: GraphQLContext) {
    return artifacts.unsharedBytes(checkpoint.artifactPath);
  }

  @FieldResolver(() => Boolean, { description: 'True for a checkpoint imported from a Hugging Face folder (importModel), false for one a run wrote.' })
  imported(@Root() checkpoint: Checkpoint) {
    return checkpoint.source !== null;
  }

  @FieldResolver(() => [SourceFileObject], { nullable: true, description: 'The files it was imported from, with their SHA-256; null for a checkpoint a run wrote.' })
  sourceFiles(@Root() checkpoint: Checkpoint) {
    return checkpoint.source?.files.map(({ name, bytes, sha256 }) => ({ name, sizeBytes: bytes, sha256 })) ?? null;
  }

  @FieldResolver(() => EncoderArchitectureObject, { description: 'The encoder\'s shape: kind, width, layers, vocabulary.' })
  architecture(@Root() checkpoint: Checkpoint): EncoderArchitectureObject {
    return architectureOf(checkpoint.encoder as unknown as EncoderConfig);
  }

  @FieldResolver(() => [CheckpointFileObject], {
    nullable: true,
    description:
      'A BERT checkpoint as a Hugging Face folder (config.json with its labels, model.safetensors, tokenizer files): save them in one folder and ' +
      'BertForSequenceClassification.from_pretrained loads it (`headroom export-model` does this). Null for an embedding-bag checkpoint.',
  })
  async huggingFaceFiles(@Root() checkpoint: Checkpoint, @Ctx() { artifacts, baseUrl }: GraphQLContext) {
    const files = await artifacts.huggingFaceFiles(checkpoint);
    return files?.map((file) => ({ ...file, url: `${baseUrl}${CHECKPOINTS_PATH}/${checkpoint.id}/huggingface/${file.name}` })) ?? null;
  }

  @FieldResolver(() => String, {
    description: `Absolute URL of the head as safetensors (classifier.weight [labels, dim], classifier.bias), for PyTorch. ${DOWNLOAD_URL_RULE}`,
  })
  headSafetensorsUrl(@Root() checkpoint: Checkpoint, @Ctx() { baseUrl }: GraphQLContext) {
    return `${baseUrl}${CHECKPOINTS_PATH}/${checkpoint.id}/head.safetensors`;
  }

  @FieldResolver(() => RunObject, { nullable: true, description: 'The run that wrote it.' })
  producedByRun(@Root() checkpoint: Checkpoint, @Ctx() { loaders }: GraphQLContext) {
    return checkpoint.producedByRunId ? loaders.run.load(checkpoint.producedByRunId) : null;
  }
}

function architectureOf(encoder: EncoderConfig): EncoderArchitectureObject {
  if (encoder.kind === 'bert') {
    const { hiddenSize, layers, heads, intermediateSize, vocabSize } = encoder.architecture;
    return { kind: EncoderKind.BERT, hiddenSize, layers, attentionHeads: heads, intermediateSize, vocabularySize: vocabSize, maxLength: encoder.maxLength };
  }
  return { kind: EncoderKind.EMBEDDING_BAG, hiddenSize: encoder.dim, layers: null, attentionHeads: null, intermediateSize: null, vocabularySize: encoder.tokenizer.buckets, maxLength: null };
}
