import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ApiKey } from './api-key.entity.js';
import { Checkpoint } from './checkpoint.entity.js';
import { Dataset } from './dataset.entity.js';
import { Experiment } from './experiment.entity.js';
import { LabelSet } from './label-set.entity.js';
import type { StoredRunOutcomes } from '../training/outcomes.js';

export enum RunKind {
  BASE_TRAINING = 'BASE_TRAINING',
  HEAD_EXPANSION = 'HEAD_EXPANSION',
}

export enum RunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

/** A run in these holds a worker, or will: it still needs what it refers to, and counts against its caller's cap. */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = [RunStatus.QUEUED, RunStatus.RUNNING];

/** One training job: its settings, where it ran, how it ended. Per-epoch metrics are EpochMetric rows. */
@Entity()
@Index('run_experiment_created', ['experimentId', 'createdAt', 'id'])
@Index('run_created', ['createdAt', 'id'])
@Index('run_status', ['status'])
export class Run {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'enum', enum: RunKind, enumName: 'run_kind' })
  kind: RunKind;

  @Column({ type: 'enum', enum: RunStatus, enumName: 'run_status', default: RunStatus.QUEUED })
  status: RunStatus;

  /** Null for base training, which belongs to no experiment. */
  @Column({ type: 'uuid', nullable: true })
  experimentId: string | null;

  @ManyToOne(() => Experiment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'experiment_id' })
  experiment?: Experiment | null;

  @Column({ type: 'uuid' })
  datasetId: string;

  @ManyToOne(() => Dataset, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dataset_id' })
  dataset?: Dataset;

  /** The label set the run's output checkpoint is bound to. */
  @Column({ type: 'uuid' })
  labelSetId: string;

  @ManyToOne(() => LabelSet, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'label_set_id' })
  labelSet?: LabelSet;

  /** The checkpoint a head expansion starts from; null for base training. */
  @Column({ type: 'uuid', nullable: true })
  baseCheckpointId: string | null;

  @ManyToOne(() => Checkpoint, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'base_checkpoint_id' })
  baseCheckpoint?: Checkpoint | null;

  @Column({ type: 'integer' })
  seed: number;

  /** Fully resolved training settings (strategy axes, optimisation), as the run used them. */
  @Column({ type: 'jsonb' })
  settings: Record<string, unknown>;

  /** TensorFlow.js backend that ran it, e.g. "wasm". */
  @Column({ type: 'varchar', length: 50, nullable: true })
  backend: string | null;

  /** Library versions in effect (tfjs, backend, node, headroom). */
  @Column({ type: 'jsonb', nullable: true })
  versions: Record<string, string> | null;

  /** Metrics of the final model on the test split; null until the run succeeds. */
  @Column({ type: 'jsonb', nullable: true })
  finalMetrics: Record<string, number | null> | null;

  /** The epoch whose weights the output checkpoint holds (the best on validation under early stopping); null until the run succeeds. */
  @Column({ type: 'integer', nullable: true })
  keptEpoch: number | null;

  /** Test accuracy per label name; null until the run succeeds. */
  @Column({ type: 'jsonb', nullable: true })
  perLabelAccuracy: Record<string, number> | null;

  /**
   * Per example of the test and validation splits, what the final model did (bitsets in base64):
   * what intervals, paired comparisons and recommendations are computed from. Null until a head
   * expansion succeeds, and for base training. Kilobytes a run, so read only where asked for
   * (`addSelect('run.outcomes')`): undefined on a run loaded without it.
   */
  @Column({ type: 'jsonb', nullable: true, select: false })
  outcomes?: StoredRunOutcomes | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** What the succeeding attempt's training reported about its own choices, in order (early stopping, epoch selection). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  trainingNotes: string[];

  /** How many times a worker has started it (retries after a crash included). */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** The queue job that carries it (pg-boss job id). */
  @Column({ type: 'uuid', nullable: true })
  jobId: string | null;

  /** Last sign of life from the worker training it; a stale one means that worker died. */
  @Column({ type: 'timestamptz', nullable: true })
  heartbeatAt: Date | null;

  /** The API key that launched it; null when it was launched without keys (local use). */
  @Index('run_created_by_key')
  @Column({ type: 'uuid', nullable: true })
  createdByKeyId: string | null;

  @ManyToOne(() => ApiKey, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_key_id' })
  createdByKey?: ApiKey | null;

  /** Set by cancelRun while the run trains; the worker stops at the next batch. */
  @Column({ type: 'timestamptz', nullable: true })
  cancelRequestedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
