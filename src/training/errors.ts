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

/** The trained model could not be saved: a disk or permission problem, not one a retry fixes. */
export class CheckpointWriteError extends Error {
  constructor(folder: string, cause: Error) {
    super(`could not write the checkpoint to ${folder}: ${cause.message}; check that the artifact folder (HEADROOM_HOME/artifacts) exists, is writable and has space`);
    this.name = 'CheckpointWriteError';
  }
}

/** The part of AbortSignal training reads: a flag checked between batches. */
export interface CancellationSignal {
  readonly aborted: boolean;
}
