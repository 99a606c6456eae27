import { GraphQLError } from 'graphql';
import { ApiKeyService } from '../auth/api-keys.js';
import { LOCAL_USER, Principal } from '../auth/roles.js';

export type Authenticate = (authorization: unknown) => Promise<Principal>;

/**
 * Turns an Authorization value (`Bearer <key>`, from an HTTP header or a graphql-ws
 * connection_init payload) into the caller. Without required keys, a request without one is the
 * local user; a key that is sent is always checked.
 */
export function authenticator(apiKeys: ApiKeyService, required: boolean): Authenticate {
  return async (authorization) => {
    if (authorization === undefined || authorization === null || authorization === '') {
      if (!required) return LOCAL_USER;
      throw unauthenticated('this server needs an API key: send the header Authorization: Bearer <key> (graphql-ws: { "Authorization": "Bearer <key>" } in connection_init)');
    }
    const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization.trim()) : null;
    if (!match) throw unauthenticated('the Authorization value must be "Bearer <key>"');
    const principal = await apiKeys.authenticate(match[1]);
    if (!principal) throw unauthenticated('the API key is unknown or revoked; ask an admin for a key (npx headroom keys create)');
    return principal;
  };
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}
