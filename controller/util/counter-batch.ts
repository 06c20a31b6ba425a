import type { Redis } from 'ioredis';

interface PendingKey {
  ttlSeconds: number;
  ints: Map<string, number>;
  floats: Map<string, number>;
}

/**
 * Counters in Redis hashes (queue and IVR figures), written behind: increments made within
 * `flushMs` are summed in process and go out as one MULTI, so fifty calls a second cost a few
 * round trips a second instead of several per call. A crash loses at most `flushMs` of counts;
 * a failed write is dropped (retrying could count twice) and reported to whoever awaits it.
 */
export class CounterBatch {
  private pending = new Map<string, PendingKey>();
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly flushMs = 200,
  ) {}

  /**
   * Adds to fields of one hash (kept `ttlSeconds` from the last write): whole counts, and `floats`
   * for fields that hold fractions (Redis refuses an integer increment on those); resolves once
   * written.
   */
  add(
    key: string,
    fields: Record<string, number>,
    ttlSeconds: number,
    floats: Record<string, number> = {},
  ): Promise<void> {
    const entry = this.pending.get(key) ?? {
      ttlSeconds,
      ints: new Map<string, number>(),
      floats: new Map<string, number>(),
    };
    entry.ttlSeconds = Math.max(entry.ttlSeconds, ttlSeconds);
    for (const [field, n] of Object.entries(fields))
      entry.ints.set(field, (entry.ints.get(field) ?? 0) + Math.round(n));
    for (const [field, n] of Object.entries(floats))
      entry.floats.set(field, (entry.floats.get(field) ?? 0) + n);
    this.pending.set(key, entry);
    // the waiters get the error
    this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.flushMs);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Writes everything pending now (before reading figures, and when the controller stops). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    const waiters = this.waiters;
    this.pending = new Map();
    this.waiters = [];
    const multi = this.redis.multi();
    for (const [key, { ttlSeconds, ints, floats }] of batch) {
      // Zero increments too: the field exists afterwards, as readers expect.
      for (const [field, n] of ints) multi.hincrby(key, field, n);
      for (const [field, n] of floats) multi.hincrbyfloat(key, field, n);
      multi.expire(key, ttlSeconds);
    }
    try {
      const replies = (await multi.exec()) ?? [];
      const failed = replies.find(([err]) => err)?.[0];
      if (failed) throw failed;
      for (const w of waiters) w.resolve();
    } catch (err) {
      for (const w of waiters) w.reject(err);
      throw err;
    }
  }
}
