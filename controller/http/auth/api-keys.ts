import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Principal, Role } from './principal.js';

export interface ApiKeyInfo {
  id: string;
  name: string;
  role: Role;
  agentId?: string | undefined;
  createdAt: string;
  revokedAt?: string | undefined;
}

const hash = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/**
 * API keys `hk_<id>_<secret>`: the id finds the record, the secret (32 random bytes) is kept only
 * as its SHA-256, compared in constant time. A high-entropy secret needs no slow hash; a leaked
 * Redis gives no usable key. Revoked keys stay listed, refused.
 */
export class ApiKeyStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private k(id: string): string {
    return `${this.prefix}api:key:${id}`;
  }

  async create(opts: {
    name: string;
    role: Role;
    agentId?: string | undefined;
  }): Promise<{ key: string; info: ApiKeyInfo }> {
    const id = randomBytes(6).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const info: ApiKeyInfo = {
      id,
      name: opts.name,
      role: opts.role,
      ...(opts.agentId ? { agentId: opts.agentId } : {}),
      createdAt: new Date().toISOString(),
    };
    await this.redis
      .multi()
      .set(this.k(id), JSON.stringify({ ...info, hash: hash(secret).toString('hex') }))
      .sadd(`${this.prefix}api:keys`, id)
      .exec();
    return { key: `hk_${id}_${secret}`, info };
  }

  async revoke(id: string): Promise<boolean> {
    const raw = await this.redis.get(this.k(id));
    if (!raw) return false;
    const rec = JSON.parse(raw) as ApiKeyInfo & { hash: string };
    if (!rec.revokedAt)
      await this.redis.set(
        this.k(id),
        JSON.stringify({ ...rec, revokedAt: new Date().toISOString() }),
      );
    return true;
  }

  async list(): Promise<ApiKeyInfo[]> {
    const ids = await this.redis.smembers(`${this.prefix}api:keys`);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.k(id)));
    return raws.flatMap((raw) => {
      if (!raw) return [];
      const { hash: _h, ...info } = JSON.parse(raw) as ApiKeyInfo & { hash: string };
      return [info];
    });
  }

  /** The principal behind a presented key; undefined for anything unknown, malformed or revoked. */
  async verify(presented: string): Promise<Principal | undefined> {
    const m = /^hk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(presented);
    if (!m) return undefined;
    const raw = await this.redis.get(this.k(m[1] as string));
    if (!raw) return undefined;
    const rec = JSON.parse(raw) as ApiKeyInfo & { hash: string };
    const want = Buffer.from(rec.hash, 'hex');
    const got = hash(m[2] as string);
    if (want.length !== got.length || !timingSafeEqual(want, got) || rec.revokedAt)
      return undefined;
    return { id: rec.id, role: rec.role, agentId: rec.agentId, via: 'key' };
  }
}
