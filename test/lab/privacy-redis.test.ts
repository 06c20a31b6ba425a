import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceHistory } from '../../controller/acd/history.js';
import type { CallRecord } from '../../controller/calls/record.js';
import { RedisCallRecordStore } from '../../controller/calls/redis-store.js';
import { IvrRequests } from '../../controller/ivr/requests.js';
import { callerHasher } from '../../controller/privacy/caller-hash.js';
import { eraseCaller } from '../../controller/privacy/erase.js';
import { labConfig } from './lab-config.js';
import { silentLog } from './harness.js';

const CALLER = '13800138000';
const OTHER = '13900139000';
const hash = callerHasher('lab-secret');

/** A caller's data in the lab's real Redis, found and erased; the retention of requests. */
describe('erasing a caller on Redis', () => {
  const prefix = `hotline-privacy-${process.pid}:`;
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(labConfig().redis.url);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const record = (id: string, caller: string): CallRecord => ({
    id,
    controller: 'c1',
    mediaServer: 'a1',
    sipCallId: `sip-${id}`,
    calledNumber: '4008001234',
    callerMasked: 'x',
    callerHash: hash(caller),
    startedAt: new Date().toISOString(),
    state: 'ended',
    digits: '',
    timeline: [],
  });

  it('finds records by caller, deletes them with their pointers, leaves the others', async () => {
    const store = new RedisCallRecordStore(redis, prefix, 600, 5);
    const history = new ServiceHistory(redis, prefix, 600, 'lab-secret');
    const requests = new IvrRequests(redis, prefix);
    await Promise.all([
      store.save(record('r1', CALLER)),
      store.save(record('r2', CALLER)),
      store.save(record('r3', OTHER)),
    ]);
    expect(await redis.ttl(`${prefix}call-by-caller:${hash(CALLER)}`)).toBeGreaterThan(500);
    await history.remember(CALLER, '1001');
    await history.remember(OTHER, '1002');
    const at = new Date().toISOString();
    await requests.addCallback({
      callId: 'r1',
      flow: 'f',
      number: '02088889999',
      callerHash: hash(CALLER),
      slot: 'asap',
      requestedAt: at,
    });
    await requests.addCallback({
      callId: 'r3',
      flow: 'f',
      number: OTHER,
      callerHash: hash(OTHER),
      slot: 'asap',
      requestedAt: at,
    });
    await requests.addVoicemail({
      callId: 'r2',
      flow: 'f',
      mailbox: 'sales',
      callerMasked: 'x',
      callerHash: hash(CALLER),
      recording: 'voicemail-sales-r2',
      leftAt: at,
    });
    await requests.addVoicemail({
      callId: 'r3',
      flow: 'f',
      mailbox: 'support',
      callerMasked: 'x',
      callerHash: hash(OTHER),
      recording: 'voicemail-support-r3',
      leftAt: at,
    });

    const report = await eraseCaller(
      {
        hash,
        calls: store,
        history,
        requests,
        removeVoicemailAudio: async () => false,
        log: silentLog,
      },
      [CALLER],
    );
    expect(report).toMatchObject({
      callRecords: { erased: ['r1', 'r2'], inProgress: [] },
      history: 1,
      callbacks: { erased: ['r1'] },
      voicemails: { erased: ['r2'] },
      complete: true,
    });
    expect(await store.get('r1')).toBeUndefined();
    expect(await store.findBySipCallId('sip-r2')).toBeUndefined();
    expect(await store.findByCaller(hash(CALLER))).toEqual([]);
    expect(await store.get('r3')).toBeDefined();
    expect(await history.lastAgent(CALLER)).toBeUndefined();
    expect(await history.lastAgent(OTHER)).toBe('1002');
    expect((await requests.callbacks()).map((c) => c.callId)).toEqual(['r3']);
    expect(await requests.voicemails('sales')).toEqual([]);
    expect((await requests.voicemails('support')).map((v) => v.callId)).toEqual(['r3']);
  });

  it('keeps each callback request for the retention, however busy the list', async () => {
    let now = Date.parse('2026-11-01T00:00:00Z');
    const requests = new IvrRequests(redis, `${prefix}ret:`, 2 * 86_400, () => new Date(now));
    const add = (id: string) =>
      requests.addCallback({
        callId: id,
        flow: 'f',
        number: CALLER,
        slot: 'asap',
        requestedAt: new Date(now).toISOString(),
      });
    await add('day0');
    now += 86_400_000;
    await add('day1');
    now += 86_400_000 + 1;
    // Day 2 and a bit: the day-0 request is past its 2 days and goes as this one comes.
    await add('day2');
    expect(
      (await redis.lrange(`${prefix}ret:callbacks`, 0, -1)).map(
        (s) => (JSON.parse(s) as { callId: string }).callId,
      ),
    ).toEqual(['day1', 'day2']);
    expect(await redis.ttl(`${prefix}ret:callbacks`)).toBeGreaterThan(86_400);
    now += 86_400_000;
    // Read without adding: what is past its retention is not listed.
    expect((await requests.callbacks()).map((c) => c.callId)).toEqual(['day2']);
  });
});
