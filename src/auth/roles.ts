/** What a caller may do; each role can do everything the ones before it can. */
export enum Role {
  VIEWER = 'VIEWER',
  RESEARCHER = 'RESEARCHER',
  ADMIN = 'ADMIN',
}

const RANK: Record<Role, number> = { [Role.VIEWER]: 0, [Role.RESEARCHER]: 1, [Role.ADMIN]: 2 };

export function allows(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** Who is calling: a key, or (without keys, on loopback) the local user, who may do anything. */
export interface Principal {
  keyId: string | null;
  role: Role;
}

export const LOCAL_USER: Principal = { keyId: null, role: Role.ADMIN };

/** The caller as log lines name it: by key id (which `keys revoke` takes), or as the local user. */
export function describeCaller(principal: Principal): string {
  return principal.keyId ? `API key ${principal.keyId} (${principal.role})` : 'the local user';
}
