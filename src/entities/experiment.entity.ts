import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Checkpoint } from './checkpoint.entity.js';
import { Dataset } from './dataset.entity.js';
import { LabelSet } from './label-set.entity.js';

/** "Add the labels of a target label set to a base checkpoint": the runs that try it, side by side. */
@Entity()
@Index('experiment_created', ['createdAt', 'id'])
export class Experiment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'text', default: '' })
  description: string;

  /** Set later when the base model is trained after the experiment is created. */
  @Column({ type: 'uuid', nullable: true })
  baseCheckpointId: string | null;

  @ManyToOne(() => Checkpoint, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'base_checkpoint_id' })
  baseCheckpoint?: Checkpoint | null;

  @Column({ type: 'uuid' })
  targetLabelSetId: string;

  @ManyToOne(() => LabelSet, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'target_label_set_id' })
  targetLabelSet?: LabelSet;

  @Column({ type: 'uuid' })
  datasetId: string;

  @ManyToOne(() => Dataset, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'dataset_id' })
  dataset?: Dataset;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'timestamptz', nullable: true })
  archivedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
