/**
 * What a Hugging Face folder held besides the weights Headroom computes with. A BERT encoder
 * carries it from import to every checkpoint made from it, so an exported folder is the imported
 * one with only what a strategy changed: the same config keys, tokenizer files, tensor names and
 * tensors Headroom does not use.
 */
export interface HuggingFaceOrigin {
  /** config.json as imported (labels are rewritten on export, everything else kept). */
  config: Record<string, unknown>;
  /** Tokenizer files, byte for byte: tokenizer.json, vocab.txt, tokenizer_config.json, special_tokens_map.json. */
  files: Record<string, Uint8Array>;
  /** Canonical tensor name -> its name in the imported file, where they differ (`LayerNorm.gamma` for `LayerNorm.weight`). */
  tensorNames: Record<string, string>;
  /** Tensors of the file the model does not compute with (e.g. a `position_ids` buffer), as they were. */
  extraTensors: StoredTensor[];
  /** The imported files and their hashes, to tell which upload a checkpoint came from. */
  sourceFiles: SourceFile[];
}

export interface StoredTensor {
  name: string;
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

export interface SourceFile {
  name: string;
  bytes: number;
  sha256: string;
}
