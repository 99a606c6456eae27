import {
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  getArgumentValues,
  getNamedType,
  getNullableType,
  GraphQLError,
  GraphQLField,
  GraphQLNamedType,
  GraphQLSchema,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { MAX_COMPARED } from '../services/comparisons.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../services/pagination.js';
import { MAX_TEXTS } from '../services/predictions.js';

export interface QueryLimits {
  maxQueryDepth: number;
  maxQueryCost: number;
}

type Args = Record<string, unknown>;

/** Training settings allow 1000 epochs, and epoch 0 (before training) is measured too. */
const MAX_EPOCH_ROWS = 1001;
/** A run records tfjs-core, its backend's packages (native-gemm on wasm) and node: a handful, never a page. */
const MAX_SOFTWARE_VERSIONS = 8;

/**
 * How many items a list field without `first` returns at most, by `Type.field`, from its own
 * arguments or its parent field's. A connection's `edges` and `nodes` are its page, counted at the
 * connection; any other list without a bound here counts as a full page.
 */
const LIST_BOUNDS: Record<string, (args: Args, parentArgs: Args) => number> = {
  'Run.epochs': () => MAX_EPOCH_ROWS,
  'Run.versions': () => MAX_SOFTWARE_VERSIONS,
  'RunComparison.runs': (_args, compareArgs) => lengthOf(compareArgs.ids, MAX_COMPARED),
  'RunComparison.series': (_args, compareArgs) => lengthOf(compareArgs.ids, MAX_COMPARED),
  'Query.predict': (args) => lengthOf(args.texts, MAX_TEXTS),
  'Prediction.labels': (_args, predictArgs) => (typeof predictArgs.topK === 'number' ? Math.max(predictArgs.topK, 1) : MAX_PAGE_SIZE),
};

/**
 * Refuses operations nested deeper than maxQueryDepth, or whose estimated cost (fields resolved,
 * each list counted as the most items it can return: `first`, or a full page when `first` is left
 * out, or the bound above) exceeds maxQueryCost. Introspection fields are not counted, so the IDE's
 * schema query always passes.
 */
export function checkQueryLimits(
  schema: GraphQLSchema,
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
  const cost = (selections: SelectionSetNode, type: GraphQLNamedType | undefined, depth: number, parentArgs: Args): number => {
    deepest = Math.max(deepest, depth);
    if (depth > limits.maxQueryDepth) return 0;
    let total = 0;
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[selection.name.value] : undefined;
        total += 1;
        // An unknown field fails validation; counting it as one field is enough until then.
        if (!selection.selectionSet || !field || !type) continue;
        const args = argumentsOf(field, selection, variables);
        const items = listSize(type.name, field, args, parentArgs);
        total += items * cost(selection.selectionSet, getNamedType(field.type), depth + 1, args);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += cost(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type, depth, parentArgs);
      } else {
        const fragment = fragments.get(selection.name.value);
        // A fragment spread twice on one path would be a cycle, which validation already rejects.
        if (!fragment || visited.has(fragment.name.value)) continue;
        visited.add(fragment.name.value);
        total += cost(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value), depth, parentArgs);
        visited.delete(fragment.name.value);
      }
    }
    return total;
  };
  const total = cost(operation.selectionSet, schema.getRootType(operation.operation) ?? undefined, 1, {});
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

/** How many items a field returns at most; 1 for a field that is not a list. */
function listSize(typeName: string, field: GraphQLField<unknown, unknown>, args: Args, parentArgs: Args): number {
  if (field.args.some((argument) => argument.name === 'first')) return pageSizeOf(args.first);
  const bound = LIST_BOUNDS[`${typeName}.${field.name}`];
  if (bound) return bound(args, parentArgs);
  if (!isListType(getNullableType(field.type))) return 1;
  return typeName.endsWith('Connection') ? 1 : MAX_PAGE_SIZE;
}

/** `first` as a list applies it: a default page when left out; a value the list refuses counts as a full page. */
function pageSizeOf(first: unknown): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  return typeof first === 'number' && first > 0 ? Math.min(first, MAX_PAGE_SIZE) : MAX_PAGE_SIZE;
}

/** The field's arguments with variables and defaults applied; none when they do not fit (validation will say why). */
function argumentsOf(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Args | null | undefined): Args {
  try {
    return getArgumentValues(field, node, variables ?? undefined);
  } catch {
    return {};
  }
}

function lengthOf(list: unknown, max: number): number {
  return Array.isArray(list) ? Math.min(Math.max(list.length, 1), max) : max;
}
