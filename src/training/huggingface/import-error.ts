/**
 * Why a Hugging Face model folder cannot be imported. Every rejection names the file (and the
 * tensor or key) at fault and what to do about it; `reason` is stable, for clients to branch on.
 */
export type ModelImportReason =
  /** Only pytorch_model.bin: a pickle, which can run code when loaded. */
  | 'PICKLE_NOT_SUPPORTED'
  /** config.json names a model_type (or activation, or embedding type) Headroom cannot run. */
  | 'UNSUPPORTED_MODEL'
  /** A file the folder must have is not there (config.json, model.safetensors or its shards). */
  | 'MISSING_FILE'
  /** config.json is not JSON, or a field is missing or of the wrong kind. */
  | 'MALFORMED_CONFIG'
  /** id2label has gaps, duplicates, non-integer keys or disagrees with num_labels. */
  | 'BAD_LABELS'
  /** A safetensors file (or the shard index) is truncated or its header is malformed. */
  | 'MALFORMED_SAFETENSORS'
  /** A tensor the architecture needs is absent. */
  | 'MISSING_TENSOR'
  /** A tensor has another shape than the config implies. */
  | 'TENSOR_SHAPE'
  /** A tensor Headroom must compute with is stored in a dtype it cannot read (F32, F16 and BF16 are read). */
  | 'TENSOR_DTYPE'
  /** Neither tokenizer.json nor vocab.txt. */
  | 'NO_TOKENIZER'
  /** The tokenizer files are malformed or describe a tokenizer Headroom does not implement. */
  | 'MALFORMED_TOKENIZER'
  /** The upload is over HEADROOM_MAX_MODEL_MB. */
  | 'TOO_LARGE';

export class ModelImportError extends Error {
  constructor(
    readonly reason: ModelImportReason,
    message: string,
    /** The file of the folder at fault, when there is one (e.g. `config.json`). */
    readonly file?: string,
  ) {
    super(message);
    this.name = 'ModelImportError';
  }
}
