import type { Redis } from 'ioredis';

/**
 * Callers waiting in each queue, in Redis so every controller sees the same line: ordered by
 * priority (higher first), then by age (older first). Only the callers at the head may try to
 * reserve an agent, so a VIP or a caller who has waited longer is never overtaken.
 */
const PRIORITY_SPAN = 1e13; // ms timestamps stay below this until the year 2286

export class WaitingLine {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(queueId: string): string {
    return `${this.prefix}waiting:${queueId}`;
  }

  private sinceKey(queueId: string): string {
    return `${this.prefix}waiting-since:${queueId}`;
  }

  private callKey(callId: string): string {
    return `${this.prefix}waiting-call:${callId}`;
  }

  /**
   * Joins the line (again, keeping the place, when a controller resumes an adopted caller);
   * returns the number of callers now waiting, the caller included, and the caller's 0-based place,
   * in the same round trip (the first routing attempt needs it at once).
   */
  async join(
    queueId: string,
    callId: string,
    priority: number,
    enqueuedAt: number,
  ): Promise<{ length: number; place: number }> {
    const score = (999 - Math.max(0, Math.min(999, priority))) * PRIORITY_SPAN + enqueuedAt;
    const res = await this.redis
      .multi()
      .zadd(this.key(queueId), score, callId)
      .hset(this.sinceKey(queueId), callId, String(enqueuedAt))
      .hset(
        this.callKey(callId),
        'queue',
        queueId,
        'priority',
        String(priority),
        'enqueuedAt',
        String(enqueuedAt),
      )
      .expire(this.callKey(callId), 86_400)
      .zcard(this.key(queueId))
      .zrank(this.key(queueId), callId)
      .exec();
    return { length: Number(res?.[4]?.[1] ?? 0), place: Number(res?.[5]?.[1] ?? 0) };
  }

  async leave(queueId: string, callId: string): Promise<void> {
    await this.redis
      .multi()
      .zrem(this.key(queueId), callId)
      .hdel(this.sinceKey(queueId), callId)
      .del(this.callKey(callId))
      .exec();
  }

  /** Where a call waits, if it does: what a controller needs to resume a caller it adopted. */
  async find(
    callId: string,
  ): Promise<{ queueId: string; priority: number; enqueuedAt: number } | undefined> {
    const h = await this.redis.hgetall(this.callKey(callId));
    if (!h.queue) return undefined;
    return {
      queueId: h.queue,
      priority: Number(h.priority ?? 0),
      enqueuedAt: Number(h.enqueuedAt ?? Date.now()),
    };
  }

  /** 0-based place in the line, or undefined if not in it. */
  async position(queueId: string, callId: string): Promise<number | undefined> {
    const rank = await this.redis.zrank(this.key(queueId), callId);
    return rank === null ? undefined : rank;
  }

  async length(queueId: string): Promise<number> {
    return this.redis.zcard(this.key(queueId));
  }

  /** How long the caller waiting longest has waited, in ms (0 when nobody waits). */
  async longestWaitMs(queueId: string, now = Date.now()): Promise<number> {
    const since = await this.redis.hvals(this.sinceKey(queueId));
    return since.length ? now - Math.min(...since.map(Number)) : 0;
  }
}
