import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Dataset } from './dataset.entity.js';

/** Per-label example counts of a dataset, written once at import so they are not recounted per query. */
@Entity()
export class DatasetLabel {
  @PrimaryColumn({ type: 'uuid' })
  datasetId: string;

  @ManyToOne(() => Dataset, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dataset_id' })
  dataset?: Dataset;

  @PrimaryColumn({ type: 'text' })
  label: string;

  @Column({ type: 'integer' })
  train: number;

  @Column({ type: 'integer' })
  validation: number;

  @Column({ type: 'integer' })
  test: number;
}
