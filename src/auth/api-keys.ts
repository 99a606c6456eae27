import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { ApiKey } from '../entities/index.js';
import { badInput, conflict, notFound } from '../services/errors.js';
import { requireName } from '../services/names.js';
import { Principal, Role } from './roles.js';

/** `hr_<prefix>_<secret>`: the prefix finds the row, the whole key is checked against its hash. */
const KEY_PATTERN = /^hr_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
/** lastUsedAt is a hint for people tidying keys, so it is written at most this often per key. */
const LAST_USED_RESOLUTION_MS = 60_000;

export class ApiKeyService {
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(private readonly dataSource: DataSource) {}

  /** A new key: the returned `key` is the only time the secret exists outside the caller's hands. */
  async create(input: { name: string; role: Role }): Promise<{ key: string; apiKey: ApiKey }> {
    const name = requireName(input.name, 'input.name');
    if (!Object.values(Role).includes(input.role)) throw badInput('input.role', `role must be one of ${Object.values(Role).join(', ')}`);
    const prefix = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
    const key = `hr_${prefix}_${randomBytes(32).toString('base64url')}`;
    const apiKey = await this.dataSource.getRepository(ApiKey).save({ name, role: input.role, prefix, secretHash: hash(key) });
    return { key, apiKey };
  }

  list(): Promise<ApiKey[]> {
    return this.dataSource.getRepository(ApiKey).find({ order: { createdAt: 'ASC' } });
  }

  /** Revokes by id or by prefix (what `keys list` shows). */
  async revoke(idOrPrefix: string): Promise<ApiKey> {
    const repository = this.dataSource.getRepository(ApiKey);
    const apiKey = /^[0-9a-f-]{36}$/i.test(idOrPrefix) ? await repository.findOneBy({ id: idOrPrefix }) : await repository.findOneBy({ prefix: idOrPrefix });
    if (!apiKey) throw notFound('API key', idOrPrefix, 'id');
    if (apiKey.revokedAt) throw conflict('id', `API key ${apiKey.prefix} was already revoked`);
    apiKey.revokedAt = new Date();
    return repository.save(apiKey);
  }

  /** The caller behind a presented key, or null when the key is malformed, unknown or revoked. */
  async authenticate(key: string): Promise<Principal | null> {
    const match = KEY_PATTERN.exec(key);
    if (!match) return null;
    const apiKey = await this.dataSource.getRepository(ApiKey).findOneBy({ prefix: match[1], revokedAt: IsNull() });
    if (!apiKey || !timingSafeEqual(Buffer.from(hash(key), 'hex'), Buffer.from(apiKey.secretHash, 'hex'))) return null;
    const now = Date.now();
    if (now - (this.lastUsedWrites.get(apiKey.id) ?? 0) > LAST_USED_RESOLUTION_MS) {
      this.lastUsedWrites.set(apiKey.id, now);
      await this.dataSource.getRepository(ApiKey).update(apiKey.id, { lastUsedAt: new Date(now) });
    }
    return { keyId: apiKey.id, role: apiKey.role };
  }
}

function hash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
