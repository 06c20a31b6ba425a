import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  entrySchema,
  pendingSchema,
  TIERS,
  type AuditEntry,
  type PendingCapture,
  type RecordingEntry,
  type Tier,
} from './entry.js';
import { matches, type Catalogue, type CatalogueLock, type SearchQuery } from './types.js';

const EXTEND = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * The catalogue in Redis: each entry as JSON under `rec:<id>`, a sorted set of ids by start time
 * per tier (the worker's due lists) and one for all (search), a set of ids with stale copies, the
 * pending captures in a hash and the audit trail in a capped list per recording.
 */
export class RedisCatalogue implements Catalogue {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** How many audit entries are kept per recording. */
    private readonly auditKeep = 1000,
  ) {}

  private k(...parts: string[]): string {
    return `${this.prefix}rec:${parts.join(':')}`;
  }

  async get(id: string): Promise<RecordingEntry | undefined> {
    const raw = await this.redis.get(this.k('e', id));
    if (!raw) return undefined;
    return entrySchema.parse(JSON.parse(raw));
  }

  async put(entry: RecordingEntry): Promise<void> {
    const start = Date.parse(entry.startedAt);
    const m = this.redis.multi().set(this.k('e', entry.id), JSON.stringify(entry));
    for (const t of TIERS) if (t !== entry.tier) m.zrem(this.k('tier', t), entry.id);
    m.zadd(this.k('tier', entry.tier), start, entry.id).zadd(this.k('by-start'), start, entry.id);
    if (entry.stale?.length) m.sadd(this.k('stale'), entry.id);
    else m.srem(this.k('stale'), entry.id);
    await m.exec();
  }

  async remove(id: string): Promise<void> {
    const m = this.redis
      .multi()
      .del(this.k('e', id))
      .zrem(this.k('by-start'), id)
      .srem(this.k('stale'), id);
    for (const t of TIERS) m.zrem(this.k('tier', t), id);
    await m.exec();
  }

  async due(tier: Tier, startedBefore: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.k('tier', tier), '-inf', startedBefore, 'LIMIT', 0, limit);
  }

  async withStale(limit: number): Promise<string[]> {
    return (await this.redis.smembers(this.k('stale'))).slice(0, limit);
  }

  async all(
    afterStart: number,
    limit: number,
  ): Promise<{ ids: string[]; next: number | undefined }> {
    const rows = await this.redis.zrangebyscore(
      this.k('by-start'),
      afterStart,
      '+inf',
      'WITHSCORES',
      'LIMIT',
      0,
      limit + 1,
    );
    const ids: string[] = [];
    for (let i = 0; i < rows.length && ids.length < limit; i += 2) ids.push(rows[i] as string);
    const next = rows.length > limit * 2 ? Number(rows[limit * 2 + 1]) : undefined;
    return { ids, next };
  }

  async search(q: SearchQuery): Promise<RecordingEntry[]> {
    const limit = q.limit ?? 100;
    const out: RecordingEntry[] = [];
    let offset = 0;
    // The time range narrows through the index; the other filters read entries page by page.
    while (out.length < limit) {
      const ids = await this.redis.zrangebyscore(
        this.k('by-start'),
        q.from ?? '-inf',
        q.to ?? '+inf',
        'LIMIT',
        offset,
        200,
      );
      if (ids.length === 0) return out;
      offset += ids.length;
      const raws = await this.redis.mget(ids.map((id) => this.k('e', id)));
      for (const raw of raws) {
        if (!raw) continue;
        const e = entrySchema.parse(JSON.parse(raw));
        if (matches(e, q)) out.push(e);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  async counts(): Promise<Record<Tier, number>> {
    const [hot, warm, cold] = await Promise.all(
      TIERS.map((t) => this.redis.zcard(this.k('tier', t))),
    );
    return { hot: hot ?? 0, warm: warm ?? 0, cold: cold ?? 0 };
  }

  async lock(id: string, ttlMs: number): Promise<CatalogueLock | undefined> {
    const token = randomUUID();
    const key = this.k('lock', id);
    const ok = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    if (ok !== 'OK') return undefined;
    return {
      release: async () => {
        await this.redis.eval(UNLOCK, 1, key, token);
      },
      extend: async () => (await this.redis.eval(EXTEND, 1, key, token, ttlMs)) === 1,
    };
  }

  async addPending(p: PendingCapture): Promise<void> {
    await this.redis.hset(this.k('pending'), p.id, JSON.stringify(p));
  }

  async removePending(id: string): Promise<void> {
    await this.redis.hdel(this.k('pending'), id);
  }

  async listPending(): Promise<PendingCapture[]> {
    const all = await this.redis.hgetall(this.k('pending'));
    return Object.values(all).flatMap((raw) => {
      const p = pendingSchema.safeParse(JSON.parse(raw));
      return p.success ? [p.data] : [];
    });
  }

  async touchLive(id: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.k('live', id), '1', 'PX', ttlMs);
  }

  async endLive(id: string): Promise<void> {
    await this.redis.del(this.k('live', id));
  }

  async isLive(id: string): Promise<boolean> {
    return (await this.redis.exists(this.k('live', id))) === 1;
  }

  async audit(a: AuditEntry): Promise<void> {
    await this.redis
      .multi()
      .lpush(this.k('audit', a.recordingId), JSON.stringify(a))
      .ltrim(this.k('audit', a.recordingId), 0, this.auditKeep - 1)
      .exec();
  }

  async audits(recordingId: string): Promise<AuditEntry[]> {
    return (await this.redis.lrange(this.k('audit', recordingId), 0, -1))
      .map((raw) => JSON.parse(raw) as AuditEntry)
      .reverse();
  }

  async count(name: string, by = 1): Promise<void> {
    await this.redis.hincrby(this.k('stats'), name, by);
  }

  async counters(): Promise<Record<string, number>> {
    const raw = await this.redis.hgetall(this.k('stats'));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}
