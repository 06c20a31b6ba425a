import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../controller/config/schema.js';
import { ApiKeyStore } from '../../controller/http/auth/api-keys.js';
import { startController, type Controller } from '../../controller/main.js';
import { runSipp, startSippAgents } from '../../tools/sipp/sipp.js';
import { onlyAvailable, recordOf, silentLog, waitReady } from './harness.js';
import { labConfig } from './lab-config.js';

/** Live call control through the HTTP API, on real calls: SIPp callers and agents, real Asterisk. */
describe('live call control over the API', () => {
  let controller: Controller;
  let base: string;
  let admin: string;
  let agentKey: string;
  const scratch = mkdtempSync(join(tmpdir(), 'hotline-api-lab-'));

  const api = async (
    method: string,
    path: string,
    key = admin,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        'X-API-Key': key,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  /** Reads the event stream in the background until stopped. */
  function collectEvents(key: string): {
    events: { event: string; data: Record<string, unknown> }[];
    stop(): Promise<void>;
  } {
    const events: { event: string; data: Record<string, unknown> }[] = [];
    const ctrl = new AbortController();
    const reading = (async () => {
      const res = await fetch(`${base}/v1/events`, {
        headers: { 'X-API-Key': key },
        signal: ctrl.signal,
      });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data)
            events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
        }
      }
    })().catch(() => undefined);
    return {
      events,
      stop: async () => {
        ctrl.abort();
        await reading;
      },
    };
  }

  /** The id of the one live call, once it is there (and, optionally, talking to an agent). */
  async function liveCallId(talking = false): Promise<string> {
    const until = Date.now() + 15_000;
    for (;;) {
      const r = await api('GET', '/v1/calls');
      const calls = r.json.calls as {
        id: string;
        agentId?: string;
        timeline: { what: string }[];
      }[];
      const call = calls.find(
        (c) => !talking || c.timeline.some((t) => t.what.startsWith('connected')),
      );
      if (call) return call.id;
      if (Date.now() > until) throw new Error('no live call appeared');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  beforeAll(async () => {
    const lab = labConfig();
    const config: Config = {
      ...lab,
      api: {
        ...lab.api,
        host: '127.0.0.1',
        port: 18_000 + (process.pid % 1000),
        tokenSecretFile: join(scratch, 'secret'),
      },
      session: { ...lab.session, menu: { '1': 'billing' } },
      recordings: {
        ...lab.recordings,
        warm: { dir: join(scratch, 'warm'), bitrateKbps: 16 },
        cold: { driver: 'folder', dir: join(scratch, 'cold') },
        keyFile: join(scratch, 'keys.json'),
      },
    };
    controller = await startController(config, { log: silentLog });
    await waitReady(controller.servers[0]!);
    base = `http://127.0.0.1:${controller.httpPort()}`;
    const keys = new ApiKeyStore(controller.redis, config.redis.keyPrefix);
    admin = (await keys.create({ name: 'lab admin', role: 'admin' })).key;
    agentKey = (await keys.create({ name: 'lab agent', role: 'agent', agentId: '1004' })).key;
  });
  afterAll(async () => {
    await controller?.stop(5000);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('hangs up a waiting caller; the call is then gone (404 for another hang-up)', async () => {
    await onlyAvailable(controller.routing, []);
    await controller.routing.agents.change('1001', 'available');
    await controller.routing.agents.change('1001', 'on-break', 'lab');
    const caller = runSipp({
      scenario: 'uac-400-dtmf-expect-bye',
      service: '4008001234',
      dtmf: '1',
      timeoutMs: 40_000,
    });
    const id = await liveCallId();
    expect((await api('GET', `/v1/calls/${id}`)).json).toMatchObject({ id, state: 'active' });
    // An agent may not hang up someone else's call; a supervisor-level key may.
    expect((await api('POST', `/v1/calls/${id}/hangup`, agentKey)).status).toBe(403);
    await new Promise((r) => setTimeout(r, 1500));
    const r = await api('POST', `/v1/calls/${id}/hangup`);
    expect(r).toMatchObject({ status: 200, json: { id, done: 'hung up' } });
    const sipp = await caller;
    expect(sipp.exitCode, sipp.errors).toBe(0);
    const again = await api('POST', `/v1/calls/${id}/hangup`);
    expect(again.status).toBe(404);
    expect(again.json.code).toBe('NOT_FOUND');
    const record = await recordOf(controller.store, sipp.callId(1));
    expect(record).toMatchObject({ hangupBy: 'controller' });
  }, 60_000);

  it(
    'puts a bridged caller on hold (music, out of the ' +
      'conversation) and back; the agent can do it on its own call',
    async () => {
      await onlyAvailable(controller.routing, ['1004']);
      const stream = collectEvents(admin);
      const agentStream = collectEvents(agentKey);
      await new Promise((r) => setTimeout(r, 300));
      const agents = startSippAgents({ calls: 1, timeoutMs: 60_000 });
      const caller = runSipp({
        scenario: 'uac-400-dtmf-then-hangup',
        service: '4008001234',
        dtmf: '1',
        holdMs: 9000,
        timeoutMs: 60_000,
      });
      const id = await liveCallId(true);
      const bridgesOf = async (): Promise<{ kind: string; channelIds: string[] }[]> =>
        (await controller.servers[0]!.liveState({ timeoutMs: 5000 })).bridges;
      expect((await bridgesOf()).find((b) => b.channelIds.includes(id))?.kind).toBe('mixing');
      expect((await api('POST', `/v1/calls/${id}/hold`, agentKey)).status).toBe(200);
      let bridges = await bridgesOf();
      expect(bridges.find((b) => b.channelIds.includes(id))?.kind).toBe('holding');
      expect(bridges.find((b) => b.kind === 'mixing')?.channelIds).toHaveLength(1);
      expect((await api('POST', `/v1/calls/${id}/hold`)).status).toBe(409);
      // Keys to the caller, and the recording paused and resumed, while the call goes on.
      expect((await api('POST', `/v1/calls/${id}/dtmf`, admin, { digits: '12#' })).status).toBe(
        200,
      );
      expect((await api('POST', `/v1/calls/${id}/recording/pause`, agentKey)).status).toBe(200);
      expect((await api('POST', `/v1/calls/${id}/recording/resume`, agentKey)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1000));
      expect((await api('POST', `/v1/calls/${id}/resume`)).status).toBe(200);
      bridges = await bridgesOf();
      expect(bridges.find((b) => b.channelIds.includes(id))?.kind).toBe('mixing');
      expect(bridges.find((b) => b.kind === 'mixing')?.channelIds).toHaveLength(2);
      // The music bridge is gone (the queue's own holding bridge, empty, stays until the call ends).
      expect(bridges.filter((b) => b.kind === 'holding' && b.channelIds.length > 0)).toEqual([]);
      const sipp = await caller;
      expect(sipp.exitCode, sipp.errors).toBe(0);
      await agents.done;
      const record = await recordOf(controller.store, sipp.callId(1));
      expect(record?.timeline.map((t) => t.what)).toEqual(
        expect.arrayContaining(['hold', 'resume']),
      );
      // A call that has ended: 404, not a hang.
      expect((await api('POST', `/v1/calls/${id}/hold`)).status).toBe(404);
      // The event stream told the story: queued, connected, the agent talking, the call ended.
      await new Promise((r) => setTimeout(r, 300));
      await stream.stop();
      await agentStream.stop();
      const story = stream.events
        .filter((e) => e.data.callId === id || e.data.agentId === '1004')
        .map(
          (e) =>
            `${e.event}:${typeof e.data.type === 'string' ? e.data.type : ''}${typeof e.data.state === 'string' ? `:${e.data.state}` : ''}`,
        );
      expect(story).toEqual(
        expect.arrayContaining([
          'call:started',
          'queue:joined',
          'call:connected',
          'queue:left',
          'agent:state:talking',
          'call:ended',
        ]),
      );
      // The agent's own stream: its own state and its own call, never other agents'.
      expect(agentStream.events.some((e) => e.event === 'agent' && e.data.agentId === '1004')).toBe(
        true,
      );
      expect(
        agentStream.events.filter((e) => e.event === 'agent' && e.data.agentId !== '1004'),
      ).toEqual([]);
    },
    60_000,
  );

  it(
    'a supervisor listens (a spy bridged to their phone, ' +
      'carrying audio), whispers and barges on a bridged call',
    async () => {
      await onlyAvailable(controller.routing, ['1004']);
      const agents = startSippAgents({ calls: 1, timeoutMs: 60_000 });
      const supervisorPhone = startSippAgents({
        calls: 3,
        localIp: '127.0.0.4',
        timeoutMs: 60_000,
      });
      const caller = runSipp({
        scenario: 'uac-400-dtmf-then-hangup',
        service: '4008001234',
        dtmf: '1',
        holdMs: 9000,
        timeoutMs: 60_000,
      });
      const id = await liveCallId(true);
      // Not any phone: the carrier trunk is refused.
      expect(
        (
          await api('POST', `/v1/calls/${id}/listen`, admin, {
            endpoint: 'PJSIP/13800138000@carrier',
          })
        ).status,
      ).toBe(400);
      const r = await api('POST', `/v1/calls/${id}/listen`, admin, {
        endpoint: 'PJSIP/2001@agents-lab2',
      });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      const snoopId = r.json.snoopId as string;
      const server = controller.servers[0]!;
      const live = await server.liveState({ timeoutMs: 5000 });
      expect(live.channels.find((ch) => ch.id === snoopId)?.role).toBe('snoop');
      const listenBridge = live.bridges.find((b) => b.channelIds.includes(snoopId));
      expect(listenBridge?.channelIds).toHaveLength(2);
      // What the supervisor hears, recorded for two seconds: sound, not silence.
      const name = `lab-listen-${Date.now()}`;
      const rec = await server
        .bridge(listenBridge!)
        .record({ name, format: 'wav', maxDurationSeconds: 2, timeoutMs: 5000 });
      await rec.done;
      const wav = readFileSync(server.recordingFile(name, 'wav'));
      rmSync(server.recordingFile(name, 'wav'), { force: true });
      expect(wav.length).toBeGreaterThan(16_000);
      expect(rms(wav.subarray(44))).toBeGreaterThan(100);
      // Whisper: a second spy, on the agent's leg; barge: the supervisor in the conversation itself.
      const w = await api('POST', `/v1/calls/${id}/whisper`, admin, {
        endpoint: 'PJSIP/2001@agents-lab2',
      });
      expect(w.status, JSON.stringify(w.json)).toBe(200);
      const b = await api('POST', `/v1/calls/${id}/barge`, admin, {
        endpoint: 'PJSIP/2001@agents-lab2',
      });
      expect(b.status, JSON.stringify(b.json)).toBe(200);
      const during = await server.liveState({ timeoutMs: 5000 });
      expect(
        during.bridges.find((x) => x.channelIds.includes(w.json.snoopId as string))?.channelIds,
      ).toHaveLength(2);
      expect(
        during.bridges.find((x) => x.kind === 'mixing' && x.channelIds.includes(id))?.channelIds,
      ).toHaveLength(3);
      const sipp = await caller;
      expect(sipp.exitCode, sipp.errors).toBe(0);
      expect((await supervisorPhone.done).exitCode).toBe(0);
      await agents.done;
      // The supervisor's leg, the spy and its bridge went with the call.
      const after = await server.liveState({ timeoutMs: 5000 });
      expect(after.channels.filter((ch) => ch.id === snoopId)).toEqual([]);
      expect(after.bridges.filter((b) => b.id === listenBridge!.id)).toEqual([]);
      const record = await recordOf(controller.store, sipp.callId(1));
      expect(record?.timeline.map((t) => t.what)).toEqual(
        expect.arrayContaining(['listen PJSIP/2001@agents-lab2', 'listen ended']),
      );
    },
    60_000,
  );

  it('transfers a bridged caller to another phone: the target joins, the agent leaves to wrap-up', async () => {
    await onlyAvailable(controller.routing, ['1004']);
    const agents = startSippAgents({ calls: 1, timeoutMs: 60_000 });
    const target = startSippAgents({ calls: 1, localIp: '127.0.0.4', timeoutMs: 60_000 });
    const caller = runSipp({
      scenario: 'uac-400-dtmf-then-hangup',
      service: '4008001234',
      dtmf: '1',
      holdMs: 8000,
      timeoutMs: 60_000,
    });
    const id = await liveCallId(true);
    expect(
      (await api('POST', `/v1/calls/${id}/transfer`, admin, { to: 'Local/evil@somewhere' })).status,
    ).toBe(400);
    const r = await api('POST', `/v1/calls/${id}/transfer`, agentKey, {
      to: 'PJSIP/2001@agents-lab2',
    });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    const bridges = (await controller.servers[0]!.liveState({ timeoutMs: 5000 })).bridges;
    expect(
      bridges.find((b) => b.kind === 'mixing' && b.channelIds.includes(id))?.channelIds,
    ).toHaveLength(2);
    await expect
      .poll(async () => (await controller.routing.agents.status('1004'))?.state, { timeout: 2000 })
      .toBe('wrap-up');
    expect((await agents.done).exitCode).toBe(0);
    const sipp = await caller;
    expect(sipp.exitCode, sipp.errors).toBe(0);
    expect((await target.done).exitCode).toBe(0);
    const record = await recordOf(controller.store, sipp.callId(1));
    expect(record?.timeline.map((t) => t.what)).toEqual(
      expect.arrayContaining(['transferred PJSIP/2001@agents-lab2', 'agent handed over']),
    );
    expect((await controller.servers[0]!.liveState({ timeoutMs: 5000 })).channels).toEqual([]);
  }, 60_000);
});

/** Root-mean-square level of 16-bit PCM. */
function rms(pcm: Buffer): number {
  let sum = 0;
  const n = Math.floor(pcm.length / 2);
  for (let i = 0; i < n; i++) sum += pcm.readInt16LE(i * 2) ** 2;
  return Math.sqrt(sum / Math.max(1, n));
}
