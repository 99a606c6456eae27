import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An immutable, ordered list of labels: label i is head row i. A child extends its parent by
 * appending labels, so every index of the parent means the same label in the child.
 */
@Entity()
export class LabelSet {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  /** 1 for a root label set, parent's version + 1 for an extension. */
  @Column({ type: 'integer' })
  version: number;

  @Index('label_set_parent')
  @Column({ type: 'uuid', nullable: true })
  parentId: string | null;

  @ManyToOne(() => LabelSet, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_id' })
  parent?: LabelSet | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
