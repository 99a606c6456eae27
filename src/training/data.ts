import { TrainingInputError } from './errors.js';

/** Texts with label indices into the run's label list. */
export interface LabeledTexts {
  texts: readonly string[];
  labels: Int32Array;
}

/** A dataset as training sees it. The test split is what every reported metric is measured on. */
export interface SplitData {
  train: LabeledTexts;
  validation: LabeledTexts;
  test: LabeledTexts;
}

export function checkSplitData(data: SplitData, labelCount: number): void {
  for (const name of ['train', 'validation', 'test'] as const) {
    const split = data[name];
    if (split.texts.length !== split.labels.length) {
      throw new TrainingInputError(`data.${name}`, `${name} has ${split.texts.length} texts but ${split.labels.length} labels`);
    }
    const bad = split.labels.findIndex((label) => !(label >= 0 && label < labelCount));
    if (bad >= 0) throw new TrainingInputError(`data.${name}`, `${name} example ${bad} has label index ${split.labels[bad]}, outside 0..${labelCount - 1}`);
  }
  if (data.train.labels.length === 0) throw new TrainingInputError('data.train', 'there are no training examples');
}
