export type DatasetFileErrorCode =
  | 'MISSING_COLUMN'
  | 'EMPTY_TEXT'
  | 'EMPTY_LABEL'
  | 'INVALID_UTF8'
  | 'NO_ROWS'
  | 'TOO_LARGE'
  | 'MALFORMED';

/**
 * A dataset file the user must fix. `message` is meant to be shown as is: it starts with
 * `line N: ` when a line is known and ends with what to do about it.
 */
export class DatasetFileError extends Error {
  readonly code: DatasetFileErrorCode;
  /** 1-based physical line in the file, or null when the problem is not on one line. */
  readonly line: number | null;
  /** The column (CSV) or key (JSONL) at fault, 'content' for the file as a whole, or null for a whole row. */
  readonly field: string | null;

  constructor(code: DatasetFileErrorCode, line: number | null, field: string | null, detail: string) {
    super(line === null ? detail : `line ${line}: ${detail}`);
    this.name = 'DatasetFileError';
    this.code = code;
    this.line = line;
    this.field = field;
  }
}
