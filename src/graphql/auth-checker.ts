import { AuthCheckerFn } from 'type-graphql';
import { allows, Role } from '../auth/roles.js';
import { HeadroomError } from '../services/errors.js';
import { GraphQLContext } from './context.js';

/** @Authorized(role) on a resolver: the caller's role must include it (VIEWER < RESEARCHER < ADMIN). */
export const authChecker: AuthCheckerFn<GraphQLContext, Role> = ({ context, info }, [needed]) => {
  const { role } = context.principal;
  if (!allows(role, needed)) {
    throw new HeadroomError('FORBIDDEN', `${info.fieldName} needs the ${needed} role; this API key has ${role}`, info.fieldName);
  }
  return true;
};
