/** A training request the caller must fix: `field` names the setting or input at fault. */
export class TrainingInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'TrainingInputError';
  }
}

/** Thrown between batches when the caller's signal says stop. */
export class TrainingCancelled extends Error {
  constructor(readonly batchesDone: number) {
    super(`training was cancelled after ${batchesDone} batches`);
    this.name = 'TrainingCancelled';
  }
}

/** The part of AbortSignal training reads: a flag checked between batches. */
export interface CancellationSignal {
  readonly aborted: boolean;
}
