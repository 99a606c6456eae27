/**
 * How a BERT checkpoint cuts its tensors into safetensors shards, as save_pretrained's sharded
 * folders do (`model-0000K-of-0000N.safetensors` and `model.safetensors.index.json`): one shard for
 * the embeddings (and any tensor the model does not compute with), one per encoder layer, one for
 * the pooler, one for the classifier. A run that changes only some of them (the head; the top
 * layers with `encoderLayers`) leaves the other shards byte for byte as they were, so its
 * checkpoint shares them with the one it came from (../blob-store.ts).
 */
import type { SafetensorsFileTensor } from './safetensors-files.js';

/** The `__metadata__` of every safetensors file a BERT checkpoint writes or exports: transformers looks for `format: pt`. */
export const SAFETENSORS_METADATA: Readonly<Record<string, string>> = { format: 'pt' };

export interface Shard {
  /** `model-0000K-of-0000N.safetensors`. */
  name: string;
  tensors: SafetensorsFileTensor[];
}

const LAYER = /^bert\.encoder\.layer\.(\d+)\./;

/** Which shard a tensor goes to: 0 embeddings and the rest, 1..layers the layers, then pooler, then classifier. */
function shardIndex(name: string, layers: number): number {
  const layer = LAYER.exec(name);
  if (layer !== null && Number(layer[1]) < layers) return 1 + Number(layer[1]);
  if (name.startsWith('bert.pooler.')) return layers + 1;
  if (name.startsWith('classifier.')) return layers + 2;
  return 0;
}

/** The tensors in shards (empty ones left out), named as transformers names them. */
export function shardTensors(tensors: SafetensorsFileTensor[], layers: number): Shard[] {
  const groups: SafetensorsFileTensor[][] = Array.from({ length: layers + 3 }, () => []);
  for (const tensor of tensors) groups[shardIndex(tensor.name, layers)].push(tensor);
  const filled = groups.filter((group) => group.length > 0);
  const digits = (n: number) => String(n).padStart(5, '0');
  return filled.map((group, index) => ({ name: `model-${digits(index + 1)}-of-${digits(filled.length)}.safetensors`, tensors: group }));
}

/** model.safetensors.index.json as transformers writes it (keys sorted, two-space indent). */
export function shardIndexJson(shards: Shard[]): string {
  const tensors = shards.flatMap((shard) => shard.tensors.map((tensor) => ({ tensor: tensor.name, shard: shard.name, bytes: tensor.data.byteLength })));
  const weightMap = Object.fromEntries(tensors.map(({ tensor, shard }) => [tensor, shard]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const totalSize = tensors.reduce((sum, { bytes }) => sum + bytes, 0);
  return `${JSON.stringify({ metadata: { total_size: totalSize }, weight_map: weightMap }, null, 2)}\n`;
}
