import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { ServiceHistory } from '../../controller/acd/history.js';
import { RedisAgents } from '../../controller/acd/redis-agents.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { labConfig } from './lab-config.js';
import { silentLog } from './harness.js';
import { startController } from '../../controller/main.js';

/** The atomic reservation, against the lab's real Redis, from one and from several processes. */
describe('router reservations in Redis', () => {
  const config = labConfig();
  const prefix = `hotline-test-router-${process.pid}:`;
  let redis: Redis;
  let agents: RedisAgents;

  beforeAll(() => {
    redis = new Redis(config.redis.url);
    agents = new RedisAgents(redis, prefix);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  beforeEach(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  });

  const login = async (...ids: string[]): Promise<void> => {
    for (const id of ids) await agents.change(id, 'available');
  };

  it('reserves the first free agent in ranked order, and only once', async () => {
    await login('a', 'b', 'c');
    expect(await agents.reserveFirst(['b', 'a'], 'r1', 5000)).toBe('b');
    expect(await agents.reserveFirst(['b', 'a'], 'r2', 5000)).toBe('a');
    expect(await agents.reserveFirst(['b', 'a'], 'r3', 5000)).toBeUndefined();
    expect((await agents.status('b'))?.state).toBe('reserved');
  });

  it('never reserves an agent who is not available', async () => {
    await login('a');
    await agents.change('a', 'on-break', 'lunch');
    expect(await agents.reserveFirst(['a', 'ghost'], 'r1', 5000)).toBeUndefined();
    expect(await agents.status('a')).toMatchObject({ state: 'on-break', reason: 'lunch' });
  });

  it('confirms and releases only its own reservation', async () => {
    await login('a');
    expect(await agents.reserveFirst(['a'], 'mine', 5000)).toBe('a');
    expect(await agents.settle('a', 'theirs', 'ringing')).toBe(false);
    expect(await agents.settle('a', 'mine', 'ringing')).toBe(true);
    expect((await agents.status('a'))?.state).toBe('ringing');
    expect(await agents.settle('a', 'mine', 'available')).toBe(true);
    expect((await agents.status('a'))?.state).toBe('available');
  });

  it('takes the first free agent straight to ringing, announces it, and only once', async () => {
    await login('a', 'b');
    const sub = new Redis(config.redis.url);
    const heard: string[] = [];
    const unfollow = await agents.follow(sub, (id, state) => heard.push(`${id} ${state}`));
    try {
      expect(await agents.reserveToRing(['b', 'a'], 'r1', 5000)).toBe('b');
      expect(await agents.reserveToRing(['b'], 'r2', 5000)).toBeUndefined();
      expect((await agents.status('b'))?.state).toBe('ringing');
      // The lease is ours as after a confirmed reservation: no expiry, released by its owner only.
      await new Promise((r) => setTimeout(r, 50));
      expect(await agents.reserveFirst(['b'], 'r3', 5000)).toBeUndefined();
      expect(await agents.settle('b', 'theirs', 'available')).toBe(false);
      expect(await agents.settle('b', 'r1', 'available')).toBe(true);
      await expect.poll(() => heard, { timeout: 2000 }).toEqual(['b ringing', 'b available']);
    } finally {
      await unfollow();
      sub.disconnect();
    }
  });

  it('a reservation nobody confirms lapses, and the agent can be taken again', async () => {
    await login('a');
    expect(await agents.reserveFirst(['a'], 'dead-controller', 100)).toBe('a');
    expect(await agents.reserveFirst(['a'], 'r2', 100)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 150));
    expect(await agents.reserveFirst(['a'], 'r2', 5000)).toBe('a');
    // The dead controller coming back cannot confirm what it lost.
    expect(await agents.settle('a', 'dead-controller', 'ringing')).toBe(false);
  });

  it('an agent released after a miss rests for the cooldown before the next offer', async () => {
    await login('a', 'b');
    expect(await agents.reserveFirst(['a'], 'r1', 5000)).toBe('a');
    expect(await agents.settle('a', 'r1', 'available', 300)).toBe(true);
    expect((await agents.status('a'))?.state).toBe('available');
    expect(await agents.reserveFirst(['a', 'b'], 'r2', 5000)).toBe('b');
    expect(await agents.reserveFirst(['a'], 'r3', 5000)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 350));
    expect(await agents.reserveFirst(['a'], 'r3', 5000)).toBe('a');
  });

  it('state changes follow the state machine', async () => {
    const err = await agents.change('x', 'talking').catch((e: unknown) => e);
    expect(isHotlineError(err, 'AGENT_ILLEGAL_TRANSITION')).toBe(true);
    await login('x');
    await agents.change('x', 'logged-out');
    expect((await agents.status('x'))?.state).toBe('logged-out');
  });

  it('of many simultaneous changes on one shared connection, exactly the legal one wins', async () => {
    await login('y');
    expect(await agents.reserveFirst(['y'], 'r', 5000)).toBe('y');
    expect(await agents.settle('y', 'r', 'ringing')).toBe(true);
    // ringing -> talking is legal once; talking -> talking never. A WATCH on a shared connection
    // let several through (any EXEC clears every watch); the script lets exactly one.
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => agents.change('y', 'talking')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results
        .filter((r) => r.status === 'rejected')
        .every((r) => isHotlineError(r.reason, 'AGENT_ILLEGAL_TRANSITION')),
    ).toBe(true);
    const wrap = await agents.change('y', 'wrap-up', undefined, 30_000);
    expect(wrap.until).toBe(wrap.since + 30_000);
    expect(await redis.hget(agents.key('y'), 'lease')).toBeNull();
  });

  it('remembers the last agent per caller, hashed, for the window only', async () => {
    const history = new ServiceHistory(redis, prefix, 1, 'salt');
    await history.remember('13812345678', '1001');
    expect(await history.lastAgent('13812345678')).toBe('1001');
    expect(await history.lastAgent('13900000000')).toBeUndefined();
    const keys = await redis.keys(`${prefix}history:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('13812345678');
    await new Promise((r) => setTimeout(r, 1100));
    expect(await history.lastAgent('13812345678')).toBeUndefined();
  });

  it('a wrap-up whose controller died is ended by the next controller to look', async () => {
    const lab = labConfig();
    const store = new RedisAgents(redis, lab.redis.keyPrefix);
    await store.change('1001', 'logged-out').catch(() => undefined);
    await store.change('1001', 'available');
    expect(await store.reserveFirst(['1001'], 'r', 5000)).toBe('1001');
    await store.settle('1001', 'r', 'ringing');
    await store.change('1001', 'talking');
    await store.change('1001', 'wrap-up', undefined, -5000);
    const controller = await startController(lab, {
      log: silentLog,
      http: false,
      mediaServers: false,
    });
    try {
      for (let i = 0; i < 30 && (await store.status('1001'))?.state !== 'available'; i++)
        await new Promise((r) => setTimeout(r, 100));
      expect((await store.status('1001'))?.state).toBe('available');
    } finally {
      await controller.stop(1000);
    }
  });

  it('two controller processes making thousands of decisions never book one agent twice', async () => {
    const agentCount = 40;
    await login(...Array.from({ length: agentCount }, (_, i) => `a${i}`));
    const worker = join(PROJECT_ROOT, 'test', 'lab', 'workers', 'reserve-worker.mjs');
    const run = (seed: number, mode: 'first' | 'ring'): Promise<Record<string, number>> =>
      new Promise((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [worker, config.redis.url, prefix, String(agentCount), '4000', '16', String(seed), mode],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let out = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.once('error', reject);
        child.once('close', (code) =>
          code === 0
            ? resolve(JSON.parse(out) as Record<string, number>)
            : reject(new Error(`worker exited ${String(code)}`)),
        );
      });
    // One reserves then confirms (ring-all), the other takes agents straight to ringing (the queue).
    const results = await Promise.all([run(1, 'first'), run(2, 'ring')]);
    const sum = (k: string): number => results.reduce((n, r) => n + (r[k] ?? 0), 0);
    expect(sum('doubleBooked')).toBe(0);
    expect(sum('reserved') + sum('noneFree')).toBe(8000);
    expect(sum('reserved')).toBeGreaterThan(1000);
    // Both ways really raced: each process took its share of agents.
    for (const r of results) expect(r.reserved).toBeGreaterThan(500);
    // Every reservation was confirmed then released, or abandoned (its lease lapses); none half-done.
    expect(sum('lapsedOnSettle')).toBe(0);
    expect(sum('confirmed') + sum('abandoned')).toBe(sum('reserved'));
    expect(sum('released')).toBe(sum('confirmed'));
    await new Promise((r) => setTimeout(r, 350));
    const free = await agents.reserveFirst(
      Array.from({ length: agentCount }, (_, i) => `a${i}`),
      'final',
      1000,
    );
    expect(free).toBeDefined();
    let freeCount = 0;
    for (let i = 0; i < agentCount; i++)
      if (await agents.reserveFirst([`a${i}`], `check-${i}`, 1000)) freeCount++;
    // All agents but the one just reserved are free again once abandoned leases lapse.
    expect(freeCount).toBe(agentCount - 1);
  }, 120_000);
});
