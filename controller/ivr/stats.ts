import type { Redis } from 'ioredis';
import { CounterBatch } from '../util/counter-batch.js';

const KEEP_SECONDS = 90 * 86_400;

/**
 * IVR analytics per flow and day, in one Redis hash each: entries and exits per node and outcome,
 * calls, turns, calls served without an agent, and speech recognition per node. Kept 90 days.
 */
export class IvrStats {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** Shared with the queues' figures by the composition root; written at once when not given. */
    private readonly counters: CounterBatch = new CounterBatch(redis, 0),
  ) {}

  key(flow: string, day = new Date().toISOString().slice(0, 10)): string {
    return `${this.prefix}ivr-stats:${flow}:${day}`;
  }

  exit(flow: string, node: string, exit: string): Promise<void> {
    return this.counters.add(
      this.key(flow),
      { [`node:${node}:in`]: 1, [`node:${node}:out:${exit}`]: 1 },
      KEEP_SECONDS,
    );
  }

  call(flow: string, turns: number, selfServed: boolean): Promise<void> {
    return this.counters.add(
      this.key(flow),
      { calls: 1, turns, selfServed: selfServed ? 1 : 0 },
      KEEP_SECONDS,
    );
  }

  speech(flow: string, node: string, recognized: boolean, confidence: number): Promise<void> {
    const counts = {
      [`speech:${node}:tries`]: 1,
      [`speech:${node}:recognized`]: recognized ? 1 : 0,
    };
    return this.counters.add(this.key(flow), counts, KEEP_SECONDS, {
      [`speech:${node}:confidenceSum`]: confidence,
    });
  }

  /** The day's figures for a flow, as numbers. */
  async read(flow: string, day?: string): Promise<Record<string, number>> {
    await this.counters.flush().catch(() => undefined); // a failed write is reported to its waiters
    const raw = await this.redis.hgetall(this.key(flow, day));
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
  }
}
