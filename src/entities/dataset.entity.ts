import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum DatasetFormat {
  CSV = 'CSV',
  JSONL = 'JSONL',
}

/** An imported file of labelled texts. Immutable once imported: runs refer to it by id. */
@Entity()
export class Dataset {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200, unique: true })
  name: string;

  @Column({ type: 'enum', enum: DatasetFormat, enumName: 'dataset_format' })
  format: DatasetFormat;

  @Column({ type: 'varchar', length: 200 })
  textColumn: string;

  @Column({ type: 'varchar', length: 200 })
  labelColumn: string;

  /** Null when the file had no split column and every split was assigned. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  splitColumn: string | null;

  @Column({ type: 'integer' })
  exampleCount: number;

  /** How many rows got a split from the seeded hash because the file gave none. */
  @Column({ type: 'integer' })
  generatedSplitCount: number;

  /** How many train rows were moved to validation because the file gave their label no validation rows. */
  @Column({ type: 'integer', default: 0 })
  carvedValidationCount: number;

  /** SHA-256 of the imported content: identifies the data a run saw, and keys feature caches. */
  @Column({ type: 'char', length: 64 })
  contentSha256: string;

  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  sizeBytes: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
