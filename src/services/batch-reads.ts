import { DataSource, EntityTarget, FindOptionsOrder, FindOptionsWhere, In, ObjectLiteral } from 'typeorm';

/**
 * Rows of many parents in one statement: what the GraphQL layer batches its field resolvers into
 * (src/graphql/loaders.ts), so a list of 100 items costs one statement per field, not 100.
 */
export class BatchReads {
  constructor(private readonly dataSource: DataSource) {}

  /** The rows whose `column` is one of `values`, in `order`. */
  where<T extends ObjectLiteral>(entity: EntityTarget<T>, column: keyof T & string, values: readonly string[], order: FindOptionsOrder<T> = {}): Promise<T[]> {
    return this.dataSource.getRepository(entity).find({ where: { [column]: In([...values]) } as FindOptionsWhere<T>, order });
  }
}
