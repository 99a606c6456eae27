import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { LabelSet } from './label-set.entity.js';

/** A label at a fixed index (head row) of one label set. */
@Entity()
@Unique('label_label_set_name_unique', ['labelSetId', 'name'])
export class Label {
  @PrimaryColumn({ type: 'uuid' })
  labelSetId: string;

  @ManyToOne(() => LabelSet, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'label_set_id' })
  labelSet?: LabelSet;

  @PrimaryColumn({ type: 'integer' })
  index: number;

  @Column({ type: 'text' })
  name: string;
}
