import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Dataset } from './dataset.entity.js';
import { Split } from './split.js';

/** One labelled text of a dataset, at its position in the imported file. */
@Entity()
@Unique('example_dataset_ordinal_unique', ['datasetId', 'ordinal'])
@Index('example_dataset_split_label', ['datasetId', 'split', 'label'])
export class Example {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'uuid' })
  datasetId: string;

  @ManyToOne(() => Dataset, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'dataset_id' })
  dataset?: Dataset;

  /** 0-based position among the file's data rows: the stable order for pagination. */
  @Column({ type: 'integer' })
  ordinal: number;

  @Column({ type: 'text' })
  text: string;

  @Column({ type: 'text' })
  label: string;

  @Column({ type: 'enum', enum: Split, enumName: 'split' })
  split: Split;
}
