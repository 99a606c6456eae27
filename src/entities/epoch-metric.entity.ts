import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Run } from './run.entity.js';

/**
 * Metrics of one run after one epoch. (run, epoch) is the key, so a retried run that reports an
 * epoch again overwrites it instead of adding a second row. Metrics that do not apply (accuracy on
 * new labels when there are none) are null.
 */
@Entity()
export class EpochMetric {
  @PrimaryColumn({ type: 'uuid' })
  runId: string;

  @ManyToOne(() => Run, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: Run;

  @PrimaryColumn({ type: 'integer' })
  epoch: number;

  @Column({ type: 'double precision' })
  loss: number;

  @Column({ type: 'double precision', nullable: true })
  oldAccuracy: number | null;

  @Column({ type: 'double precision', nullable: true })
  newAccuracy: number | null;

  @Column({ type: 'double precision' })
  overallAccuracy: number;

  @Column({ type: 'double precision' })
  macroF1: number;

  @Column({ type: 'double precision', nullable: true })
  forgetting: number | null;

  @Column({ type: 'double precision', nullable: true })
  intrusion: number | null;

  @Column({ type: 'double precision', nullable: true })
  oldLogitDrift: number | null;

  @Column({ type: 'double precision' })
  seconds: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
