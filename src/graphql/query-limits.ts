import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
  valueFromASTUntyped,
} from 'graphql';
import { MAX_PAGE_SIZE } from '../services/pagination.js';

export interface QueryLimits {
  maxQueryDepth: number;
  maxQueryCost: number;
}

/**
 * Refuses operations nested deeper than maxQueryDepth, or whose estimated cost (fields resolved,
 * each list counted as `first` items, MAX_PAGE_SIZE when `first` is not known) exceeds
 * maxQueryCost. Introspection fields are not counted, so the IDE's schema query always passes.
 */
export function checkQueryLimits(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  limits: QueryLimits,
): GraphQLError | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const operation = operations.find((op) => !operationName || op.name?.value === operationName) ?? operations[0];
  if (!operation) return null;

  let deepest = 0;
  const visited = new Set<string>();
  const cost = (selections: SelectionSetNode, depth: number): number => {
    deepest = Math.max(deepest, depth);
    if (depth > limits.maxQueryDepth) return 0;
    let total = 0;
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        total += 1 + (selection.selectionSet ? listSize(selection, variables) * cost(selection.selectionSet, depth + 1) : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += cost(selection.selectionSet, depth);
      } else {
        const fragment = fragments.get(selection.name.value);
        // A fragment spread twice on one path would be a cycle, which validation already rejects.
        if (!fragment || visited.has(fragment.name.value)) continue;
        visited.add(fragment.name.value);
        total += cost(fragment.selectionSet, depth);
        visited.delete(fragment.name.value);
      }
    }
    return total;
  };
  const total = cost(operation.selectionSet, 1);
  if (deepest > limits.maxQueryDepth) {
    return new GraphQLError(`the query is nested ${deepest} levels deep; this server allows ${limits.maxQueryDepth}. Split it into several queries`, {
      extensions: { code: 'QUERY_TOO_DEEP', depth: deepest, limit: limits.maxQueryDepth, http: { status: 400 } },
    });
  }
  if (total > limits.maxQueryCost) {
    return new GraphQLError(`the query could resolve about ${total} fields; this server allows ${limits.maxQueryCost}. Ask for smaller pages (first) or fewer fields`, {
      extensions: { code: 'QUERY_TOO_COMPLEX', cost: total, limit: limits.maxQueryCost, http: { status: 400 } },
    });
  }
  return null;
}

/** How many items a field returns at most: its `first` argument when given, else a full page. */
function listSize(field: FieldNode, variables: Record<string, unknown> | null | undefined): number {
  const first = field.arguments?.find((argument) => argument.name.value === 'first');
  if (!first) return 1;
  const value = valueFromASTUntyped(first.value, variables ?? undefined);
  return typeof value === 'number' && value > 0 ? Math.min(value, MAX_PAGE_SIZE) : MAX_PAGE_SIZE;
}
