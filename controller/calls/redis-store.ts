import type { Redis } from 'ioredis';
import type { CallRecord, CallRecordStore } from './record.js';

/**
 * Call records as JSON strings with a TTL; the SIP Call-ID points at the record, and a set per
 * caller (by the caller's keyed hash, same TTL) lists the caller's records for erasure. Writes are
 * grouped: every record saved within `flushMs` goes to Redis in one pipeline, written as it is at
 * that moment (the latest state wins), so a busy call's several checkpoints cost one write and 50
 * calls a second cost a few round trips, not hundreds. A crash loses at most `flushMs` of changes.
 */
export class RedisCallRecordStore implements CallRecordStore {
  private readonly pending = new Map<
    string,
    { record: CallRecord; waiters: { resolve: () => void; reject: (err: unknown) => void }[] }
  >();
  /** Records whose Call-ID pointer and caller entry are written: once per call. */
  private readonly pointed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly flushMs = 20,
  ) {}

  save(record: CallRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry = this.pending.get(record.id) ?? { record, waiters: [] };
      entry.record = record;
      entry.waiters.push({ resolve, reject });
      this.pending.set(record.id, entry);
      this.timer ??= setTimeout(() => void this.flush(), this.flushMs);
    });
  }

  /** Writes everything pending now (also used when the controller stops). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    const pipe = this.redis.pipeline();
    for (const { record } of batch) {
      pipe.set(this.key(record.id), JSON.stringify(record), 'EX', this.ttlSeconds);
      if (!this.pointed.has(record.id)) {
        if (record.sipCallId)
          pipe.set(this.sipKey(record.sipCallId), record.id, 'EX', this.ttlSeconds);
        // The set lives as long as its newest record; older ids in it that expired are skipped.
        if (record.callerHash)
          pipe
            .sadd(this.callerKey(record.callerHash), record.id)
            .expire(this.callerKey(record.callerHash), this.ttlSeconds);
      }
      if (record.state === 'ended') this.pointed.delete(record.id);
      else this.pointed.add(record.id);
    }
    try {
      const replies = (await pipe.exec()) ?? [];
      const failed = replies.find(([err]) => err)?.[0];
      if (failed) throw failed;
      for (const { waiters } of batch) for (const w of waiters) w.resolve();
    } catch (err) {
      for (const { record } of batch) this.pointed.delete(record.id);
      for (const { waiters } of batch) for (const w of waiters) w.reject(err);
    }
  }

  async get(id: string): Promise<CallRecord | undefined> {
    const unwritten = this.pending.get(id);
    if (unwritten) return structuredClone(unwritten.record);
    const text = await this.redis.get(this.key(id));
    return text === null ? undefined : (JSON.parse(text) as CallRecord);
  }

  async findBySipCallId(sipCallId: string): Promise<CallRecord | undefined> {
    const id = await this.redis.get(this.sipKey(sipCallId));
    return id === null ? undefined : this.get(id);
  }

  async findByCaller(callerHash: string): Promise<CallRecord[]> {
    const ids = await this.redis.smembers(this.callerKey(callerHash));
    const found: CallRecord[] = [];
    for (const id of ids) {
      const r = await this.get(id);
      // An id whose record expired, or (never expected) was reused: not this caller's.
      if (r?.callerHash === callerHash) found.push(r);
      else await this.redis.srem(this.callerKey(callerHash), id);
    }
    return found;
  }

  async remove(id: string): Promise<void> {
    // Written first if still waiting to be, so nothing of it lands after the deletion.
    if (this.pending.has(id)) await this.flush();
    this.pointed.delete(id);
    const r = await this.get(id);
    const m = this.redis.multi().del(this.key(id));
    if (r?.sipCallId) m.del(this.sipKey(r.sipCallId));
    if (r?.callerHash) m.srem(this.callerKey(r.callerHash), id);
    await m.exec();
  }

  private callerKey(callerHash: string): string {
    return `${this.prefix}call-by-caller:${callerHash}`;
  }

  private key(id: string): string {
    return `${this.prefix}call:${id}`;
  }

  private sipKey(sipCallId: string): string {
    return `${this.prefix}call-by-sip:${sipCallId}`;
  }
}
