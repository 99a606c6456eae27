import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, OneToOne, PrimaryGeneratedColumn } from 'typeorm';
import { LabelSet } from './label-set.entity.js';
import { Run } from './run.entity.js';

/** The files a checkpoint was imported from (a Hugging Face folder), to tell uploads apart. */
export interface ImportedSource {
  files: Array<{ name: string; bytes: number; sha256: string }>;
}

/** A trained classifier (encoder + head) bound to one label set; its files live in the artifact store. */
@Entity()
export class Checkpoint {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('checkpoint_label_set')
  @Column({ type: 'uuid' })
  labelSetId: string;

  @ManyToOne(() => LabelSet, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'label_set_id' })
  labelSet?: LabelSet;

  /** The checkpoint this one was expanded from; null for a model trained from scratch. */
  @Index('checkpoint_parent')
  @Column({ type: 'uuid', nullable: true })
  parentId: string | null;

  @ManyToOne(() => Checkpoint, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Checkpoint | null;

  /** The run that wrote it (at most one checkpoint per run); null for an imported checkpoint. */
  @Column({ type: 'uuid', nullable: true })
  producedByRunId: string | null;

  @OneToOne(() => Run, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'produced_by_run_id' })
  producedByRun?: Run | null;

  /** The name it was imported under; null for a checkpoint a run wrote. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  name: string | null;

  /** What it was imported from; null for a checkpoint a run wrote. */
  @Column({ type: 'jsonb', nullable: true })
  source: ImportedSource | null;

  /** Encoder settings (kind, dimensions, tokenizer), as the training engine describes them. */
  @Column({ type: 'jsonb' })
  encoder: Record<string, unknown>;

  /** Folder of the checkpoint, relative to the artifact store's root. */
  @Column({ type: 'text' })
  artifactPath: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  sizeBytes: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
