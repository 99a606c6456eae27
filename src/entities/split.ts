/** The three parts of a dataset; stored as a PostgreSQL enum. */
export enum Split {
  TRAIN = 'train',
  VALIDATION = 'validation',
  TEST = 'test',
}
