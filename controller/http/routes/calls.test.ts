import { copyFileSync } from 'node:fs';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiRequester, testApiDeps, type TestApi, refused } from '../../../test/fakes/api-deps.js';
import { memoryRecordings, WavFactory } from '../../../test/fakes/recordings.js';
import {
  ScriptedMediaServer,
  type FakeChannel,
} from '../../../tools/fakes/scripted-media-server.js';
import { RecordingCapture } from '../../../recordings/capture.js';
import type { CallRecord } from '../../calls/record.js';
import type { CallContext } from '../../session/context.js';
import type { SessionRunner } from '../../session/runner.js';
import { createApi } from '../app.js';

let t: TestApi;
let app: Hono;
let server: ScriptedMediaServer;
let capture: RecordingCapture;
let wavs: WavFactory;
const live = new Map<string, CallContext>();

/** What the API reads of the session runner: live calls and their contexts. */
const runner: Pick<SessionRunner, 'liveCalls' | 'liveCall'> = {
  liveCalls: () => [...live.values()].filter((c) => !c.signal.aborted).map((c) => c.record),
  liveCall: (id) => live.get(id),
};

beforeEach(async () => {
  server = new ScriptedMediaServer();
  server.start();
  const rec = memoryRecordings();
  capture = new RecordingCapture(rec, { commandTimeoutMs: 1000 });
  wavs = new WavFactory();
  t = await testApiDeps({
    servers: [server],
    runner: runner as unknown as SessionRunner,
    recordings: { deps: rec, capture },
  });
  app = createApi(t.deps);
});
afterEach(() => {
  for (const c of live.values()) (c.channel as FakeChannel).farHangup();
  live.clear();
  wavs.close();
  t.cleanup();
});

const OPTS = { timeoutMs: 1000 };

/** A caller in the application, as the runner would hold it; `agentId` only names the agent on the record. */
function liveCall(agentId?: string): { ctx: CallContext; channel: FakeChannel } {
  const channel = server.injectCall({ calledNumber: '4008001234', callerNumber: '13812345678' });
  channel.markAnswered();
  const record: CallRecord = {
    id: channel.id,
    controller: 'test',
    mediaServer: server.id,
    calledNumber: '4008001234',
    callerMasked: '138****5678',
    state: 'active',
    startedAt: new Date().toISOString(),
    timeline: [],
    digits: '',
    ...(agentId ? { agentId } : {}),
  };
  const ctx = {
    channel,
    server,
    signal: channel.ended,
    record,
    commandTimeoutMs: 1000,
    log: t.deps.log,
    note: (what: string) => record.timeline.push({ atMs: 0, what }),
  } as unknown as CallContext;
  live.set(channel.id, ctx);
  return { ctx, channel };
}

/** The caller talking to an agent: both in a mixing bridge, as the queue verb leaves them. */
async function inConversation(
  agentId = '1001',
): Promise<{ ctx: CallContext; channel: FakeChannel; agentLeg: FakeChannel }> {
  const { ctx, channel } = liveCall(agentId);
  const bridge = await server.createBridge('mixing', OPTS);
  const agentLeg = (await server.originate(
    { endpoint: `PJSIP/${agentId}@agents-lab`, ringTimeoutSeconds: 5 },
    OPTS,
  )) as FakeChannel;
  agentLeg.markAnswered();
  await bridge.add(channel.id, OPTS);
  await bridge.add(agentLeg.id, OPTS);
  ctx.conversation = { bridge, agentId, agentLegId: agentLeg.id };
  return { ctx, channel, agentLeg };
}

const call = apiRequester(() => ({ app, t }), 'supervisor');

const bridgesOf = (kind: string) => [...server.bridges.values()].filter((b) => b.kind === kind);

describe('reading calls', () => {
  it('lists live calls; an agent sees only its own', async () => {
    const mine = liveCall('1001');
    liveCall('1002');
    liveCall();
    const all = await call('GET', '/v1/calls');
    expect(all.status).toBe(200);
    expect((all.body.calls as CallRecord[]).map((c) => c.id).sort()).toEqual(
      [...live.keys()].sort(),
    );
    const own = await call('GET', '/v1/calls', { as: 'agent', agent: '1001' });
    expect(own).toMatchObject({
      status: 200,
      body: {
        calls: [
          {
            id: mine.channel.id,
            agentId: '1001',
            calledNumber: '4008001234',
            callerMasked: '138****5678',
            state: 'active',
          },
        ],
      },
    });
  });

  it('gets a live call, an ended one from the store, and 404 for one unknown or not the agent’s', async () => {
    const { channel } = liveCall('1001');
    expect(await call('GET', `/v1/calls/${channel.id}`)).toMatchObject({
      status: 200,
      body: { id: channel.id, state: 'active', agentId: '1001' },
    });
    expect(
      await call('GET', `/v1/calls/${channel.id}`, { as: 'agent', agent: '1001' }),
    ).toMatchObject({ status: 200 });
    const ended: CallRecord = {
      id: '1700000000.42',
      controller: 'c2',
      mediaServer: 'a1',
      calledNumber: '4008001234',
      callerMasked: '139****0000',
      state: 'ended',
      startedAt: '2026-01-05T09:00:00.000Z',
      endedAt: '2026-01-05T09:03:00.000Z',
      outcome: 'completed',
      agentId: '1002',
      timeline: [{ atMs: 0, what: 'arrived' }],
      digits: '1',
    };
    await t.deps.store.save(ended);
    expect(await call('GET', '/v1/calls/1700000000.42')).toEqual({
      status: 200,
      type: 'application/json',
      body: ended,
    });
    expect(
      await call('GET', '/v1/calls/1700000000.42', { as: 'agent', agent: '1001' }),
    ).toMatchObject(refused(404, 'NOT_FOUND'));
    expect(await call('GET', '/v1/calls/no-such-call')).toMatchObject(refused(404, 'NOT_FOUND'));
    expect(await call('GET', '/v1/calls/bad%20id')).toMatchObject(refused(404, 'PARAMS_INVALID'));
    // Redis away: a live call still answers; an ended one cannot be looked up, which is not "no such call".
    t.deps.redisReady = () => false;
    expect(await call('GET', `/v1/calls/${channel.id}`)).toMatchObject({
      status: 200,
      body: { id: channel.id },
    });
    expect(await call('GET', '/v1/calls/1700000000.42')).toMatchObject(
      refused(503, 'REDIS_UNAVAILABLE'),
    );
  });
});

describe('hangup and keys', () => {
  it('hangs up a live call; then it is gone', async () => {
    const { ctx, channel } = liveCall('1001');
    expect(await call('POST', `/v1/calls/${channel.id}/hangup`)).toMatchObject({
      status: 200,
      body: { id: channel.id, done: 'hung up' },
    });
    expect(channel.ended.aborted).toBe(true);
    expect(ctx.record).toMatchObject({
      hangupBy: 'controller',
      timeline: [{ what: 'hung up by test-supervisor' }],
    });
    expect(await call('POST', `/v1/calls/${channel.id}/hangup`)).toMatchObject(
      refused(404, 'NOT_FOUND'),
    );
    expect((await call('GET', '/v1/calls')).body.calls).toEqual([]);
  });

  it('sends keys to the caller and refuses keys that are not keys', async () => {
    const { channel } = liveCall();
    expect(
      await call('POST', `/v1/calls/${channel.id}/dtmf`, { body: { digits: '12#,*A' } }),
    ).toMatchObject({ status: 200, body: { id: channel.id, done: 'sent 6 keys' } });
    expect(channel.sentDtmf).toEqual(['12#,*A']);
    for (const digits of ['12x', '', '1'.repeat(33)])
      expect(
        await call('POST', `/v1/calls/${channel.id}/dtmf`, { body: { digits } }),
      ).toMatchObject(refused(400, 'BODY_INVALID'));
    expect(await call('POST', '/v1/calls/gone/dtmf', { body: { digits: '1' } })).toMatchObject(
      refused(404, 'NOT_FOUND'),
    );
    expect(channel.sentDtmf).toHaveLength(1);
  });

  it('answers 503 when no media server is connected', async () => {
    const { channel } = liveCall();
    await server.close();
    expect(await call('POST', `/v1/calls/${channel.id}/hangup`)).toMatchObject(
      refused(503, 'MEDIA_SERVER_UNAVAILABLE'),
    );
    expect(channel.ended.aborted).toBe(false);
  });
});

describe('hold and resume', () => {
  it('refuses both when the caller is not talking to an agent', async () => {
    const { channel } = liveCall();
    expect(await call('POST', `/v1/calls/${channel.id}/hold`)).toMatchObject(
      refused(409, 'MEDIA_CONFLICT'),
    );
    expect(await call('POST', `/v1/calls/${channel.id}/resume`)).toMatchObject(
      refused(409, 'MEDIA_CONFLICT'),
    );
  });

  it('moves the caller to a holding bridge and back; the agent may do it on its own call only', async () => {
    const { ctx, channel, agentLeg } = await inConversation('1001');
    const conv = bridgesOf('mixing')[0];
    expect(await call('POST', `/v1/calls/${channel.id}/resume`)).toMatchObject(
      refused(409, 'MEDIA_CONFLICT'),
    );
    expect(
      await call('POST', `/v1/calls/${channel.id}/hold`, { as: 'agent', agent: '1002' }),
    ).toMatchObject(refused(403, 'FORBIDDEN'));
    expect(
      await call('POST', `/v1/calls/${channel.id}/hold`, { as: 'agent', agent: '1001' }),
    ).toMatchObject({ status: 200, body: { id: channel.id, done: 'on hold' } });
    const [holding] = bridgesOf('holding');
    expect(holding?.moh).toBe(true);
    expect([...(holding?.members ?? [])]).toEqual([channel.id]);
    expect([...(conv?.members ?? [])]).toEqual([agentLeg.id]);
    expect(await call('POST', `/v1/calls/${channel.id}/hold`)).toMatchObject(
      refused(409, 'MEDIA_CONFLICT'),
    );
    expect(await call('POST', `/v1/calls/${channel.id}/resume`)).toMatchObject({
      status: 200,
      body: { id: channel.id, done: 'resumed' },
    });
    expect(bridgesOf('holding')).toEqual([]);
    expect([...(conv?.members ?? [])].sort()).toEqual([channel.id, agentLeg.id].sort());
    expect(ctx.record.timeline.map((e) => e.what)).toEqual(['hold', 'resume']);
  });
});

describe('recording control', () => {
  it('refuses to start, pause, resume or stop where nothing is recorded', async () => {
    const { channel } = await inConversation();
    expect(await call('POST', `/v1/calls/${channel.id}/recording/start`)).toMatchObject(
      refused(409, 'MEDIA_CONFLICT'),
    );
    for (const verb of ['pause', 'resume', 'stop'])
      expect(await call('POST', `/v1/calls/${channel.id}/recording/${verb}`)).toMatchObject(
        refused(409, 'MEDIA_CONFLICT'),
      );
  });

  it('starts, pauses, resumes and stops the conversation’s recording, which is then stored', async () => {
    const { channel, ctx } = await inConversation('1001');
    if (!ctx.conversation) throw new Error('no conversation');
    capture.register(
      {
        callId: channel.id,
        number: '4008001234',
        callerNumber: '13812345678',
        agentId: '1001',
        queue: 'billing',
      },
      ctx.conversation.bridge,
      server,
      t.deps.log,
    );
    const started = await call('POST', `/v1/calls/${channel.id}/recording/start`);
    expect(started).toMatchObject({
      status: 200,
      body: { id: channel.id, recordingId: expect.stringMatching(/^rec-/) as string },
    });
    const recordingId = started.body.recordingId as string;
    expect(await call('POST', `/v1/calls/${channel.id}/recording/start`)).toMatchObject(
      refused(409, 'MEDIA_CONFLICT'),
    );
    expect(
      await call('POST', `/v1/calls/${channel.id}/recording/pause`, { as: 'agent', agent: '1001' }),
    ).toMatchObject({ status: 200, body: { done: 'recording pause' } });
    expect(capture.live(channel.id)?.paused).toBe(true);
    expect(await call('POST', `/v1/calls/${channel.id}/recording/resume`)).toMatchObject({
      status: 200,
      body: { done: 'recording resume' },
    });
    expect(capture.live(channel.id)?.paused).toBe(false);
    // What the media server would have written under the recording's name.
    copyFileSync(wavs.make(1), server.recordingFile(`hotline-${recordingId}`, 'wav'));
    expect(await call('POST', `/v1/calls/${channel.id}/recording/stop`)).toMatchObject({
      status: 200,
      body: { done: 'recording stop' },
    });
    expect(await capture.live(channel.id)?.stored).toMatchObject({
      id: recordingId,
      callId: channel.id,
      agentId: '1001',
      queue: 'billing',
    });
  });

  it('answers 503 RECORDINGS_DISABLED when recording is off', async () => {
    const { channel } = await inConversation();
    t.deps.recordings = undefined;
    for (const verb of ['start', 'pause', 'resume', 'stop'])
      expect(await call('POST', `/v1/calls/${channel.id}/recording/${verb}`)).toMatchObject(
        refused(503, 'RECORDINGS_DISABLED'),
      );
  });
});

describe('supervision and transfer', () => {
  it('refuses a supervisor phone outside api.superviseEndpoints, and a call without a conversation', async () => {
    const { channel } = liveCall();
    for (const mode of ['listen', 'whisper', 'barge']) {
      expect(
        await call('POST', `/v1/calls/${channel.id}/${mode}`, {
          body: { endpoint: 'SIP/evil@outside' },
        }),
      ).toMatchObject(refused(400, 'BODY_INVALID'));
      expect(
        await call('POST', `/v1/calls/${channel.id}/${mode}`, {
          body: { endpoint: 'PJSIP/2001@agents-lab' },
        }),
      ).toMatchObject(refused(409, 'MEDIA_CONFLICT'));
    }
    expect(server.channels.size).toBe(1);
  });

  it('rings the supervisor and joins: listen and whisper on a spy, barge in the conversation', async () => {
    const { channel, ctx } = await inConversation();
    const listen = await call('POST', `/v1/calls/${channel.id}/listen`, {
      body: { endpoint: 'PJSIP/2001@agents-lab' },
    });
    expect(listen).toMatchObject({
      status: 200,
      body: {
        id: channel.id,
        mode: 'listen',
        supervision: expect.any(String) as string,
        snoopId: expect.any(String) as string,
      },
    });
    const whisper = await call('POST', `/v1/calls/${channel.id}/whisper`, {
      body: { endpoint: 'PJSIP/2002@agents-lab' },
    });
    expect(whisper).toMatchObject({
      status: 200,
      body: { mode: 'whisper', snoopId: expect.any(String) as string },
    });
    const barge = await call('POST', `/v1/calls/${channel.id}/barge`, {
      body: { endpoint: 'PJSIP/2003@agents-lab' },
    });
    expect(barge).toMatchObject({ status: 200, body: { mode: 'barge' } });
    expect(barge.body).not.toHaveProperty('snoopId');
    expect(ctx.conversation?.bridge.id).toBeDefined();
    const phone = [...server.channels.values()].find(
      (c) => c.info.calledNumber === 'PJSIP/2003@agents-lab',
    );
    expect([
      ...(bridgesOf('mixing').find((b) => b.id === ctx.conversation?.bridge.id)?.members ?? []),
    ]).toContain(phone?.id);
    expect(
      await call('POST', `/v1/calls/${channel.id}/listen`, {
        as: 'agent',
        agent: '1001',
        body: { endpoint: 'PJSIP/2001@agents-lab' },
      }),
    ).toMatchObject(refused(403, 'FORBIDDEN'));
  });

  it('transfers to digits through the trunk and refuses a target that is neither', async () => {
    const { channel, ctx, agentLeg } = await inConversation('1001');
    expect(
      await call('POST', `/v1/calls/${channel.id}/transfer`, {
        as: 'agent',
        agent: '1001',
        body: { to: 'SIP/evil@outside' },
      }),
    ).toMatchObject(refused(400, 'BODY_INVALID'));
    expect(
      await call('POST', `/v1/calls/${channel.id}/transfer`, {
        as: 'agent',
        agent: '1002',
        body: { to: '4008005555' },
      }),
    ).toMatchObject(refused(403, 'FORBIDDEN'));
    expect(
      await call('POST', `/v1/calls/${channel.id}/transfer`, {
        body: { to: '4008005555', ringSeconds: 1 },
      }),
    ).toMatchObject(refused(400, 'BODY_INVALID'));
    const r = await call('POST', `/v1/calls/${channel.id}/transfer`, {
      as: 'agent',
      agent: '1001',
      body: { to: '4008005555' },
    });
    expect(r).toMatchObject({ status: 200, body: { id: channel.id, done: 'transferred' } });
    expect(ctx.conversation?.transferredTo?.info.calledNumber).toBe('PJSIP/4008005555@carrier');
    expect(agentLeg.ended.aborted).toBe(true);
    expect(
      await call('POST', `/v1/calls/${channel.id}/transfer`, {
        body: { to: 'PJSIP/2001@agents-lab' },
      }),
    ).toMatchObject(refused(409, 'MEDIA_CONFLICT'));
  });
});
