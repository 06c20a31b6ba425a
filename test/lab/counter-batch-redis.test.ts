import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IvrStats } from '../../controller/ivr/stats.js';
import { CounterBatch } from '../../controller/util/counter-batch.js';
import { labConfig } from './lab-config.js';

/** Queue and IVR counters written behind, on the lab's real Redis. */
describe('CounterBatch on Redis', () => {
  const prefix = `hotline-counters-${process.pid}:`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(labConfig().redis.url);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('sums many increments into one transaction, resolved once written, with the TTL set', async () => {
    let transactions = 0;
    const multi = redis.multi.bind(redis);
    const spy = new Proxy(redis, {
      get: (t, p): unknown =>
        p === 'multi' ? () => (transactions++, multi()) : (Reflect.get(t, p) as unknown),
    });
    const counted = new CounterBatch(spy, 50);
    const key = `${prefix}q`;
    const adds = Array.from({ length: 50 }, (_, i) =>
      counted.add(key, { offered: 1, waitMs: i, zero: 0 }, 3600),
    );
    adds.push(counted.add(key, {}, 7200, { confidenceSum: 0.25 }));
    // Nothing is written before the batch window ends.
    expect(await redis.exists(key)).toBe(0);
    await Promise.all(adds);
    expect(transactions).toBe(1);
    expect(await redis.hgetall(key)).toEqual({
      offered: '50',
      waitMs: String((49 * 50) / 2),
      zero: '0',
      confidenceSum: '0.25',
    });
    expect(await redis.ttl(key)).toBeGreaterThan(3600);
  });

  it('flush writes what is pending at once (before figures are read)', async () => {
    const batch = new CounterBatch(redis, 60_000);
    const key = `${prefix}ivr`;
    const pending = batch.add(key, { calls: 1 }, 60);
    await batch.flush();
    await pending;
    expect(await redis.hget(key, 'calls')).toBe('1');
    // Nothing pending: a no-op.
    await batch.flush();
  });

  it("the IVR's speech figures: whole counts and a confidence sum in one batch", async () => {
    const stats = new IvrStats(redis, prefix, new CounterBatch(redis, 50));
    await Promise.all([
      stats.speech('f', 'main', true, 0.75),
      stats.speech('f', 'main', false, 0.5),
    ]);
    expect(await stats.read('f')).toMatchObject({
      'speech:main:tries': 2,
      'speech:main:recognized': 1,
      'speech:main:confidenceSum': 1.25,
    });
  });

  it('a failed write rejects whoever waits and is not retried (retrying could count twice)', async () => {
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    down.on('error', () => undefined);
    const batch = new CounterBatch(down, 10);
    const err = await batch.add(`${prefix}lost`, { offered: 1 }, 60).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    await batch.flush();
    expect(await redis.exists(`${prefix}lost`)).toBe(0);
    down.disconnect();
  });
});
