import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { Page } from '../../services/pagination.js';
import { PageInfo } from './page-info.js';

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Declares `<Name>Connection` and `<Name>Edge` types for a node type. */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name: string, plural: string): ClassType<Connection<T>> {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a page of ${plural}, with its cursor.` })
  class Edge {
    @Field({ description: 'Opaque position of this item; pass it as `after` to continue after it.' })
    cursor: string;

    @Field(() => nodeType, { description: `The ${name}.` })
    node: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${plural}.` })
  class ConnectionClass {
    @Field(() => [Edge], { description: 'Items of this page with their cursors.' })
    edges: Edge[];

    @Field(() => [nodeType], { description: 'Items of this page, without cursors.' })
    nodes: T[];

    @Field(() => PageInfo, { description: 'Where this page sits in the whole list.' })
    pageInfo: PageInfo;

    @Field(() => Int, { description: `How many ${plural} match, across all pages.` })
    totalCount: number;
  }
  return ConnectionClass;
}

export function toConnection<T>(page: Page<T>): Connection<T> {
  return {
    edges: page.nodes.map((node, i) => ({ cursor: page.cursors[i], node })),
    nodes: page.nodes,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: false,
      startCursor: page.cursors[0] ?? null,
      endCursor: page.cursors.at(-1) ?? null,
    },
    totalCount: page.totalCount,
  };
}
