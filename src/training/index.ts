/**
 * Headroom's training engine: what the job layer, the CLI and the benchmarks call. Pure ML: it
 * imports tfjs and nothing of the database or GraphQL, so it can be read, tested and benchmarked
 * alone.
 *
 * A typical use:
 *
 *   const backend = await selectBackend(parseBackendChoice(process.env.TFJS_BACKEND ?? 'auto'), log);
 *   const base = await trainBase({ labels, settings: resolveBaseSettings({ epochs: 5 }), seed: 0 }, data, { onEpoch });
 *   await saveCheckpoint(base.model, folder);
 *   const settings = resolveExpansionSettings('IMPRINT_FROZEN', { epochs: 20 });
 *   const expanded = await expandHead({ labels: [...labels, 'new_intent'], settings, seed: 0 }, base.model, data, {
 *     onEpoch,            // every epoch's EpochMetrics, epoch 0 (before training) included
 *     signal,             // an AbortSignal (or any { aborted }): checked before every batch
 *     featureCache,       // frozen-encoder features, reused across runs on the same model and data
 *   });
 *
 * Or, to keep the caller's event loop free, the same jobs in a worker thread:
 *
 *   const thread = new TrainingThread('auto');
 *   const result = await thread.run({ kind: 'expand', spec, base: base.model, data }, { onEpoch, signal });
 *
 * Errors: TrainingInputError (a setting or input to fix; `field` names it) and TrainingCancelled.
 */
export { BACKEND_CHOICES, parseBackendChoice, selectBackend } from './backend.js';
export type { BackendChoice, BackendInfo, BackendName } from './backend.js';
export { DEFAULT_BASE_SETTINGS, resolveBaseSettings, trainBase } from './base-training.js';
export type { BaseTrainingSettings, BaseTrainingSpec, FinalMetrics, TrainingResult } from './base-training.js';
export { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
export { BERT_CHECKPOINT_JSON } from './huggingface/bert-checkpoint.js';
export type { SplitData, LabeledTexts } from './data.js';
export { TrainingCancelled, TrainingInputError } from './errors.js';
export type { CancellationSignal } from './errors.js';
export type { EpochMetrics, ModelMetrics } from './evaluation.js';
export { encodeTexts, MemoryFeatureCache } from './features.js';
export type { FeatureCache } from './features.js';
export { expandHead, expandHeadOnFeatures } from './head-expansion.js';
export type { ExpansionOptions, ExpansionSpec, FeatureSplit, FeatureSplits, HeadExpansionResult } from './head-expansion.js';
export { headLogits } from './logits.js';
export { decodeOutcomes, encodeOutcomes, outcomeMetrics } from './outcomes.js';
export type { OutcomeMetrics, RunOutcomes, SplitOutcomes, StoredRunOutcomes } from './outcomes.js';
export { describeRecommendation, pickStrategy, recommend } from './recommendation.js';
export type { Recommendation, StrategyOutcomes, StrategyScore } from './recommendation.js';
export type { Classifier, Encoder, EncoderConfig, LinearHead } from './model.js';
export { exportHeadSafetensors, importHeadSafetensors } from './safetensors.js';
export { DEFAULT_OPTIMISATION, EPOCH_SELECTIONS, EXEMPLAR_SELECTIONS, HEAD_INITS, PRESET_DESCRIPTIONS, PRESET_NAMES, PRESETS, resolveExpansionSettings, TRAINABLES } from './settings.js';
export { bootstrapIntervals, INTERVAL_METRICS, mean, outcomeMeans, pairedComparison, spread } from './statistics.js';
export type { Interval, IntervalMetric, IntervalMetrics, OutcomeRun, PairedComparison, PairedDifference } from './statistics.js';
export type { EpochSelection, ExemplarSelection, ExpansionOverrides, ExpansionSettings, HeadInit, PresetName, Trainable } from './settings.js';
export { LEARNING_RATE_SCHEDULE_DESCRIPTIONS, LEARNING_RATE_SCHEDULES } from './train-loop.js';
export type { LearningRateSchedule, TrainingHooks } from './train-loop.js';
export { TrainingThread } from './training-thread.js';
export type { ThreadHooks, ThreadResult, TrainingJob } from './training-thread.js';
export { ModelImportError } from './huggingface/import-error.js';
export type { ModelImportReason } from './huggingface/import-error.js';
export { checkFolderFileNames, HUGGING_FACE_FILE, readHuggingFaceFolder } from './huggingface/hf-folder.js';
