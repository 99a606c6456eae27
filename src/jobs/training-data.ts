import { DataSource } from 'typeorm';
import { SplitData } from '../training/index.js';

/**
 * A dataset's examples whose label is in `labels`, split three ways, with label indices into
 * `labels` (head rows). Examples of other labels are left out: a run trains and is measured on
 * exactly its label set.
 */
export async function loadSplitData(dataSource: DataSource, datasetId: string, labels: string[]): Promise<SplitData> {
  const rows: Array<{ text: string; label: string; split: keyof SplitData }> = await dataSource.query(
    'SELECT text, label, split FROM example WHERE dataset_id = $1 AND label = ANY($2) ORDER BY ordinal',
    [datasetId, labels],
  );
  const index = new Map(labels.map((label, i) => [label, i]));
  const parts: Record<keyof SplitData, { texts: string[]; labels: number[] }> = {
    train: { texts: [], labels: [] },
    validation: { texts: [], labels: [] },
    test: { texts: [], labels: [] },
  };
  for (const row of rows) {
    parts[row.split].texts.push(row.text);
    parts[row.split].labels.push(index.get(row.label)!);
  }
  const split = (name: keyof SplitData) => ({ texts: parts[name].texts, labels: Int32Array.from(parts[name].labels) });
  return { train: split('train'), validation: split('validation'), test: split('test') };
}
