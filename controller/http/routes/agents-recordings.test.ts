import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  apiRequester,
  testApiDeps,
  type TestApi,
  refused,
  type Answer,
} from '../../../test/fakes/api-deps.js';
import { memoryRecordings, WavFactory } from '../../../test/fakes/recordings.js';
import { RecordingCapture } from '../../../recordings/capture.js';
import type { RecordingEntry } from '../../../recordings/catalogue/entry.js';
import { ingest } from '../../../recordings/ingest.js';
import { createApi } from '../app.js';
import type { Role } from '../auth/principal.js';

let t: TestApi;
let app: Hono;

const call = apiRequester(() => ({ app, t }), 'supervisor');

describe('agents', () => {
  beforeEach(async () => {
    t = await testApiDeps();
    app = createApi(t.deps);
  });
  afterEach(() => t.cleanup());

  it('lists every agent with its state (staff only)', async () => {
    t.agentStates.set('1002', {
      state: 'on-break',
      since: Date.parse('2026-01-05T09:00:00Z'),
      reason: 'lunch',
    });
    const r = await call('GET', '/v1/agents');
    expect(r.status).toBe(200);
    const agents = r.body.agents as Record<string, unknown>[];
    expect(agents.map((a) => a.id)).toEqual(t.deps.routing.config.agents.map((a) => a.id));
    expect(agents.find((a) => a.id === '1002')).toMatchObject({
      name: expect.any(String) as string,
      state: 'on-break',
      since: '2026-01-05T09:00:00.000Z',
      reason: 'lunch',
    });
    // Never logged in: no record, so no `since` (as GET /v1/agents/{id} says), not the epoch.
    expect(agents.find((a) => a.id === '1001')).toMatchObject({ state: 'logged-out' });
    expect(agents.find((a) => a.id === '1001')).not.toHaveProperty('since');
    expect(await call('GET', '/v1/agents', { as: 'agent', agent: '1001' })).toMatchObject(
      refused(403, 'FORBIDDEN'),
    );
  });

  it('gets one agent: itself for an agent, anyone for staff; 404 for an unknown one', async () => {
    expect(await call('GET', '/v1/agents/1001', { as: 'agent', agent: '1001' })).toMatchObject({
      status: 200,
      body: { id: '1001', state: 'logged-out' },
    });
    expect(await call('GET', '/v1/agents/1002', { as: 'agent', agent: '1001' })).toMatchObject(
      refused(403, 'FORBIDDEN'),
    );
    expect(await call('GET', '/v1/agents/1002', { as: 'admin' })).toMatchObject({
      status: 200,
      body: { id: '1002' },
    });
    expect(await call('GET', '/v1/agents/9999')).toMatchObject(refused(404, 'AGENT_NOT_FOUND'));
    expect(await call('GET', '/v1/agents/bad%20id')).toMatchObject(refused(404, 'PARAMS_INVALID'));
  });

  it('logs in, pauses with a reason, resumes and logs out', async () => {
    const as = { as: 'agent' as const, agent: '1001' };
    expect(await call('POST', '/v1/agents/1001/login', as)).toMatchObject({
      status: 200,
      body: { id: '1001', state: 'available', since: expect.any(String) as string },
    });
    const paused = await call('POST', '/v1/agents/1001/pause', {
      ...as,
      body: { reason: 'lunch' },
    });
    expect(paused).toMatchObject({ status: 200, body: { state: 'on-break', reason: 'lunch' } });
    expect(t.agentStates.get('1001')).toMatchObject({ state: 'on-break', reason: 'lunch' });
    const resumed = await call('POST', '/v1/agents/1001/resume', as);
    expect(resumed).toMatchObject({ status: 200, body: { state: 'available' } });
    expect(resumed.body).not.toHaveProperty('reason');
    expect(await call('POST', '/v1/agents/1001/logout', { as: 'supervisor' })).toMatchObject({
      status: 200,
      body: { state: 'logged-out' },
    });
    expect(t.agentStates.get('1001')?.state).toBe('logged-out');
  });

  it('refuses a bad reason, another agent, an illegal transition, an unknown agent and Redis away', async () => {
    for (const reason of ['lunch\u0007', 'line\nbreak', '', 'x'.repeat(101)])
      expect(await call('POST', '/v1/agents/1001/pause', { body: { reason } })).toMatchObject(
        refused(400, 'BODY_INVALID'),
      );
    expect(await call('POST', '/v1/agents/1001/pause', { body: {} })).toMatchObject(
      refused(400, 'BODY_INVALID'),
    );
    expect(
      await call('POST', '/v1/agents/1002/login', { as: 'agent', agent: '1001' }),
    ).toMatchObject(refused(403, 'FORBIDDEN'));
    expect(await call('POST', '/v1/agents/1001/logout')).toMatchObject(
      refused(409, 'AGENT_ILLEGAL_TRANSITION'),
    );
    t.agentStates.set('1003', { state: 'talking', since: Date.now() });
    expect(await call('POST', '/v1/agents/1003/pause', { body: { reason: 'tea' } })).toMatchObject(
      refused(409, 'AGENT_ILLEGAL_TRANSITION'),
    );
    expect(await call('POST', '/v1/agents/1003/resume')).toMatchObject(
      refused(409, 'AGENT_ILLEGAL_TRANSITION'),
    );
    expect(t.agentStates.get('1003')?.state).toBe('talking');
    expect(await call('POST', '/v1/agents/9999/login')).toMatchObject(
      refused(404, 'AGENT_NOT_FOUND'),
    );
    t.deps.redisReady = () => false;
    expect(await call('POST', '/v1/agents/1001/login')).toMatchObject(
      refused(503, 'REDIS_UNAVAILABLE'),
    );
    expect(t.agentStates.has('1001')).toBe(false);
  });
});

describe('recordings', () => {
  const wavs = new WavFactory();
  let wav: Buffer;
  let entry: RecordingEntry;
  let other: RecordingEntry;

  beforeAll(async () => {
    const rec = memoryRecordings();
    t = await testApiDeps({
      recordings: { deps: rec, capture: new RecordingCapture(rec, { commandTimeoutMs: 1000 }) },
    });
    app = createApi(t.deps);
    const p = wavs.pending(rec.clock, 2, {
      agentId: '1001',
      queue: 'billing',
      number: '4008001234',
    });
    wav = readFileSync(p.file);
    entry = await ingest(rec, p);
    rec.clock.days(1);
    other = await ingest(
      rec,
      wavs.pending(rec.clock, 1, { agentId: '1002', queue: 'tech', number: '4008009999' }),
    );
  });
  afterAll(() => {
    wavs.close();
    t.cleanup();
  });

  const ids = (a: Answer): string[] => (a.body.recordings as { id: string }[]).map((r) => r.id);

  it('searches by agent, queue, number and time', async () => {
    expect(ids(await call('GET', '/v1/recordings'))).toEqual([entry.id, other.id]);
    expect(ids(await call('GET', '/v1/recordings?agent=1001'))).toEqual([entry.id]);
    expect(ids(await call('GET', '/v1/recordings?queue=tech'))).toEqual([other.id]);
    expect(ids(await call('GET', '/v1/recordings?number=4008001234&agent=1001'))).toEqual([
      entry.id,
    ]);
    expect(
      ids(await call('GET', `/v1/recordings?from=${encodeURIComponent(other.startedAt)}`)),
    ).toEqual([other.id]);
    expect(
      ids(await call('GET', `/v1/recordings?to=${encodeURIComponent(entry.startedAt)}&limit=5`)),
    ).toEqual([entry.id]);
    expect(ids(await call('GET', '/v1/recordings?agent=1003'))).toEqual([]);
    expect(ids(await call('GET', '/v1/recordings?from=2030-01-01T00:00:00Z'))).toEqual([]);
    const found = await call('GET', '/v1/recordings?agent=1001');
    expect((found.body.recordings as Record<string, unknown>[])[0]).not.toHaveProperty('dataKey');
    for (const q of ['from=yesterday', 'number=abc', 'limit=0', 'caller=13800138000'])
      expect(await call('GET', `/v1/recordings?${q}`)).toMatchObject(refused(400, 'QUERY_INVALID'));
    expect(await call('GET', '/v1/recordings', { as: 'agent', agent: '1001' })).toMatchObject(
      refused(403, 'FORBIDDEN'),
    );
  });

  it('gets one entry without its data key or caller hash', async () => {
    const r = await call('GET', `/v1/recordings/${entry.id}`);
    expect(r).toMatchObject({
      status: 200,
      body: {
        id: entry.id,
        callId: entry.callId,
        number: '4008001234',
        agentId: '1001',
        tier: 'hot',
        location: `hot:${entry.key}`,
        durationMs: entry.durationMs,
        legalHold: false,
        callerMasked: entry.callerMasked,
      },
    });
    expect(r.body).not.toHaveProperty('dataKey');
    expect(r.body).not.toHaveProperty('callerHash');
    expect(JSON.stringify(r.body)).not.toContain('13800138000');
    expect(await call('GET', '/v1/recordings/rec-none')).toMatchObject(
      refused(404, 'RECORDING_NOT_FOUND'),
    );
    expect(await call('GET', '/v1/recordings/bad.id')).toMatchObject(
      refused(404, 'PARAMS_INVALID'),
    );
  });

  it('streams the audio whole and by ranges, auditing every listen', async () => {
    const get = async (range?: string, as: Role = 'supervisor'): Promise<Response> =>
      app.request(`/v1/recordings/${entry.id}/audio`, {
        headers: { ...t.auth(as), ...(range ? { range } : {}) },
      });
    const audits = (): Promise<unknown[]> =>
      t.deps.recordings?.deps.catalogue.audits(entry.id) ?? Promise.resolve([]);
    const whole = await get();
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-length')).toBe(String(wav.length));
    expect(Buffer.from(await whole.arrayBuffer()).equals(wav)).toBe(true);
    expect(await audits()).toEqual([
      expect.objectContaining({
        recordingId: entry.id,
        user: 'token:test-supervisor',
        tier: 'hot',
      }),
    ]);

    const part = await get('bytes=100-199', 'admin');
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${wav.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(wav.subarray(100, 200))).toBe(true);
    const tail = await get('bytes=-50');
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(
      `bytes ${wav.length - 50}-${wav.length - 1}/${wav.length}`,
    );
    expect(Buffer.from(await tail.arrayBuffer()).equals(wav.subarray(wav.length - 50))).toBe(true);
    expect(await audits()).toMatchObject([
      {},
      { user: 'token:test-admin', range: '100-199' },
      { range: `${wav.length - 50}-${wav.length - 1}` },
    ]);

    const past = await get(`bytes=${wav.length + 10}-`);
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${wav.length}`);
    expect(await past.json()).toMatchObject({ status: 416, code: 'RECORDING_RANGE_INVALID' });
    expect(await audits()).toHaveLength(3);
    const none = await app.request('/v1/recordings/rec-none/audio', { headers: t.auth('admin') });
    expect({ status: none.status, body: await none.json() }).toMatchObject({
      status: 404,
      body: { code: 'RECORDING_NOT_FOUND' },
    });
  });

  it('puts a recording under legal hold (admin only) and releases it', async () => {
    expect(
      await call('PUT', `/v1/recordings/${entry.id}/legal-hold`, { body: { hold: true } }),
    ).toMatchObject(refused(403, 'FORBIDDEN'));
    const held = await call('PUT', `/v1/recordings/${entry.id}/legal-hold`, {
      as: 'admin',
      body: { hold: true },
    });
    expect(held).toMatchObject({
      status: 200,
      body: { id: entry.id, legalHold: true, location: `hot:${entry.key}` },
    });
    expect(held.body).not.toHaveProperty('dataKey');
    expect((await call('GET', `/v1/recordings/${entry.id}`)).body.legalHold).toBe(true);
    expect(
      await call('PUT', `/v1/recordings/${entry.id}/legal-hold`, {
        as: 'admin',
        body: { hold: false },
      }),
    ).toMatchObject({ status: 200, body: { legalHold: false } });
    expect(
      await call('PUT', '/v1/recordings/rec-none/legal-hold', {
        as: 'admin',
        body: { hold: true },
      }),
    ).toMatchObject(refused(404, 'RECORDING_NOT_FOUND'));
    expect(
      await call('PUT', `/v1/recordings/${entry.id}/legal-hold`, {
        as: 'admin',
        body: { hold: 'yes' },
      }),
    ).toMatchObject(refused(400, 'BODY_INVALID'));
  });

  it('answers 503 RECORDINGS_DISABLED on every recordings endpoint when recording is off', async () => {
    const kept = t.deps.recordings;
    t.deps.recordings = undefined;
    try {
      expect(await call('GET', '/v1/recordings')).toMatchObject(
        refused(503, 'RECORDINGS_DISABLED'),
      );
      expect(await call('GET', `/v1/recordings/${entry.id}`)).toMatchObject(
        refused(503, 'RECORDINGS_DISABLED'),
      );
      expect(await call('GET', `/v1/recordings/${entry.id}/audio`)).toMatchObject(
        refused(503, 'RECORDINGS_DISABLED'),
      );
      expect(
        await call('PUT', `/v1/recordings/${entry.id}/legal-hold`, {
          as: 'admin',
          body: { hold: true },
        }),
      ).toMatchObject(refused(503, 'RECORDINGS_DISABLED'));
    } finally {
      t.deps.recordings = kept;
    }
  });
});
