import type { Redis } from 'ioredis';
import type { CallRecord, CallRecordStore } from './record.js';

/** Call records as JSON strings with a TTL; the SIP Call-ID points at the record. */
export class RedisCallRecordStore implements CallRecordStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  async save(record: CallRecord): Promise<void> {
    const multi = this.redis.multi().set(this.key(record.id), JSON.stringify(record), 'EX', this.ttlSeconds);
    if (record.sipCallId) multi.set(this.sipKey(record.sipCallId), record.id, 'EX', this.ttlSeconds);
    await multi.exec();
  }

  async get(id: string): Promise<CallRecord | undefined> {
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
