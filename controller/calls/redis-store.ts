import type { Redis } from 'ioredis';
import type { CallRecord, CallRecordStore } from './record.js';

/**
 * Call records as JSON strings with a TTL; the SIP Call-ID points at the record. Writes are
 * grouped: every record saved within `flushMs` goes to Redis in one pipeline, written as it is at
 * that moment (the latest state wins), so a busy call's several checkpoints cost one write and 50
 * calls a second cost a few round trips, not hundreds. A crash loses at most `flushMs` of changes.
 */
export class RedisCallRecordStore implements CallRecordStore {
  private readonly pending = new Map<string, { record: CallRecord; waiters: { resolve: () => void; reject: (err: unknown) => void }[] }>();
  /** Records whose Call-ID pointer is written; the pointer is written once per call. */
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
      if (record.sipCallId && !this.pointed.has(record.id)) pipe.set(this.sipKey(record.sipCallId), record.id, 'EX', this.ttlSeconds);
      if (record.state === 'ended') this.pointed.delete(record.id);
      else if (record.sipCallId) this.pointed.add(record.id);
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

  private key(id: string): string {
    return `${this.prefix}call:${id}`;
  }

  private sipKey(sipCallId: string): string {
    return `${this.prefix}call-by-sip:${sipCallId}`;
  }
}
