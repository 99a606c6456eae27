import type { TypedDocumentString } from '../generated/graphql';
import { authorizationHeaders } from './api-key';

/** The same origin that served the page: the dashboard and the API are one server. */
export const GRAPHQL_URL = '/graphql';

/** A GraphQL error as the server reported it: its message, `extensions.code` and `extensions.field`. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

interface GraphQLBody<R> {
  data?: R | null;
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
}

/** Sends one typed operation over HTTP, with the stored API key; the first error is thrown as an ApiError. */
export async function request<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
  const response = await fetch(GRAPHQL_URL, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...authorizationHeaders() },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  let body: GraphQLBody<R>;
  try {
    body = (await response.json()) as GraphQLBody<R>;
  } catch {
    throw new ApiError(`the server answered HTTP ${response.status} without a GraphQL response`, null);
  }
  const [first] = body.errors ?? [];
  if (first) throw new ApiError(first.message, first.extensions?.code ?? null, first.extensions?.field ?? null);
  if (!body.data) throw new ApiError('the server answered without data', null);
  return body.data;
}
