import { DataSource, Logger } from 'typeorm';

/**
 * Every SQL statement the data source sends while `work` runs (transaction control included),
 * as TypeORM's logger hears it. The logger is the data source's own, so nothing else changes.
 */
export async function statementsDuring(dataSource: DataSource, work: () => Promise<unknown>): Promise<string[]> {
  const original = dataSource.logger;
  const statements: string[] = [];
  const counting: Logger = {
    logQuery: (query, parameters, queryRunner) => {
      statements.push(query);
      original.logQuery(query, parameters, queryRunner);
    },
    logQueryError: (...args) => original.logQueryError(...args),
    logQuerySlow: (...args) => original.logQuerySlow(...args),
    logSchemaBuild: (...args) => original.logSchemaBuild(...args),
    logMigration: (...args) => original.logMigration(...args),
    log: (...args) => original.log(...args),
  };
  dataSource.logger = counting;
  try {
    await work();
  } finally {
    dataSource.logger = original;
  }
  return statements;
}
