import type { Redis } from 'ioredis';
import { CounterBatch } from '../util/counter-batch.js';
import type { WaitingLine } from './waiting.js';

/**
 * Per-queue figures supervisors live by, as app_queue defines them: service level SL = answered
 * within the threshold / answered; SL2 = (answered + abandoned within the threshold) / (answered +
 * abandoned); ASA, abandonment rate, AHT (talk + wrap-up). Counters live in Redis per queue and
 * day, shared by every controller; the clock starts when the caller enters the queue.
 */
export interface QueueStats {
  queue: string;
  day: string;
  waiting: number;
  longestWaitSeconds: number;
  offered: number;
  answered: number;
  abandoned: number;
  serviceLevel: number | null;
  serviceLevel2: number | null;
  averageSpeedOfAnswerSeconds: number | null;
  abandonmentRate: number | null;
  averageHandleTimeSeconds: number | null;
}

const day = (at: number): string => new Date(at).toISOString().slice(0, 10);

export class QueueStatistics {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly waiting: WaitingLine,
    /** Shared with the IVR's figures by the composition root; written at once when not given. */
    private readonly counters: CounterBatch = new CounterBatch(redis, 0),
  ) {}

  private key(queueId: string, at: number): string {
    return `${this.prefix}qstats:${queueId}:${day(at)}`;
  }

  private add(queueId: string, at: number, fields: Record<string, number>): Promise<void> {
    return this.counters.add(this.key(queueId, at), fields, 40 * 86_400);
  }

  offered(queueId: string, at = Date.now()): Promise<void> {
    return this.add(queueId, at, { offered: 1 });
  }

  answered(queueId: string, waitedMs: number, slSeconds: number, at = Date.now()): Promise<void> {
    return this.add(queueId, at, {
      answered: 1,
      answeredWithinSl: waitedMs <= slSeconds * 1000 ? 1 : 0,
      waitMs: waitedMs,
    });
  }

  abandoned(queueId: string, waitedMs: number, slSeconds: number, at = Date.now()): Promise<void> {
    return this.add(queueId, at, {
      abandoned: 1,
      abandonedWithinSl: waitedMs <= slSeconds * 1000 ? 1 : 0,
    });
  }

  handled(queueId: string, talkMs: number, wrapUpMs: number, at = Date.now()): Promise<void> {
    return this.add(queueId, at, { handleMs: talkMs + wrapUpMs });
  }

  async get(queueId: string, at = Date.now()): Promise<QueueStats> {
    // This controller's counts still in the batch are written first (others' lag by the batch).
    await this.counters.flush().catch(() => undefined); // a failed write is reported to its waiters
    const h = await this.redis.hgetall(this.key(queueId, at));
    const n = (f: string): number => Number(h[f] ?? 0);
    const ratio = (a: number, b: number): number | null =>
      b > 0 ? Number((a / b).toFixed(4)) : null;
    const answered = n('answered');
    const abandoned = n('abandoned');
    return {
      queue: queueId,
      day: day(at),
      waiting: await this.waiting.length(queueId),
      longestWaitSeconds: Math.round((await this.waiting.longestWaitMs(queueId, at)) / 1000),
      offered: n('offered'),
      answered,
      abandoned,
      serviceLevel: ratio(n('answeredWithinSl'), answered),
      serviceLevel2: ratio(n('answeredWithinSl') + n('abandonedWithinSl'), answered + abandoned),
      averageSpeedOfAnswerSeconds: answered
        ? Number((n('waitMs') / answered / 1000).toFixed(2))
        : null,
      abandonmentRate: ratio(abandoned, n('offered')),
      averageHandleTimeSeconds: answered
        ? Number((n('handleMs') / answered / 1000).toFixed(2))
        : null,
    };
  }
}
