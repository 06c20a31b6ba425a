import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { labAsterisk } from '../../controller/config/servers.js';
import type { CallRecord } from '../../controller/calls/record.js';
import type { Config } from '../../controller/config/schema.js';
import { labPaths } from '../../tools/lab/paths.js';
import { startController, type Controller } from '../../controller/main.js';
import { EslPeer, type PeerCall } from '../esl-peer/index.js';
import { PEER_PASSWORD, peerServerConfig } from '../freeswitch/peer-harness.js';
import { runSipp } from '../../tools/sipp/sipp.js';
import { onlyAvailable, recordOf, routingCopy, silentLog, waitReady } from './harness.js';
import { labConfig } from './lab-config.js';

/**
 * The whole controller (sessions, IVR flows, router, recordings, real Redis) on FreeSWITCH, played
 * by the ESL peer because FreeSWITCH cannot run here; then FreeSWITCH and the lab's real Asterisk
 * in one controller at once.
 */
const AGENTS = ['1001', '1002', '1003', '1004'];

/**
 * The peer plays no audio, only time: prompts last 300 ms here (menus 3 s, so a key still cuts
 * them), which keeps these tests short; the lab's Asterisk tests play the real lengths.
 */
const mediaMs = (path: string): number | undefined =>
  /\/menu-[^/]*\.wav$/.test(path) ? 3000 : path.endsWith('.wav') ? 300 : undefined;

/** Each lab agent is reached on the FreeSWITCH as a directory user. */
const routing = (queues: [string, string][] = []): string =>
  routingCopy({
    agents: AGENTS.map((id) => [
      `endpoint: PJSIP/${id}@agents-lab\n`,
      `endpoint: PJSIP/${id}@agents-lab\n    endpoints: { fs-peer: "user/${id}@hotline" }\n`,
    ]),
    queues,
  });

/** A controller whose only media server is the peer; key 1 of the welcome menu is the billing queue. */
async function onPeer(peer: EslPeer, dir: string, routingDir: string): Promise<Controller> {
  const base = labConfig();
  const config: Config = {
    ...base,
    mediaServers: [peerServerConfig(peer.port, dir, { promptDir: labPaths(base.lab).prompts })],
    routing: { dir: routingDir },
    session: { ...base.session, menu: { '1': 'billing' } },
    recordings: { ...base.recordings, hotDir: join(dir, 'hot') },
  };
  const controller = await startController(config, { log: silentLog, http: false });
  await waitReady(controller.servers[0]!);
  return controller;
}

/**
 * A caller on the peer, handed over as dialplan/freeswitch does (hotline=1, park), pressing keys at
 * given times after the answer.
 */
function caller(
  peer: EslPeer,
  number: string,
  keys: [string, number][] = [],
  hangupAfterMs?: number,
): { call: PeerCall; sipCallId: string; ended: Promise<{ cause: string }> } {
  const sipCallId = `${randomUUID()}@peer`;
  const call = peer.placeCall({
    calledNumber: number,
    callerNumber: '13812345678',
    sipCallId,
    variables: { hotline: '1' },
  });
  const timers: NodeJS.Timeout[] = [];
  void call.answered
    .then(() => {
      for (const [k, at] of keys)
        timers.push(setTimeout(() => void call.press(k).catch(() => undefined), at));
      if (hangupAfterMs !== undefined)
        timers.push(setTimeout(() => void call.hangup().catch(() => undefined), hangupAfterMs));
    })
    .catch(() => undefined);
  const ended = call.ended.then((r) => {
    timers.forEach(clearTimeout);
    return r;
  });
  return { call, sipCallId, ended };
}

describe('the controller on FreeSWITCH (ESL peer), real Redis', () => {
  let peer: EslPeer;
  let controller: Controller;
  let dir: string;
  let routingDir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-fs-lab-'));
    routingDir = routing();
    peer = new EslPeer({ password: PEER_PASSWORD, mediaMs });
    await peer.start();
    controller = await onPeer(peer, dir, routingDir);
  });
  afterAll(async () => {
    await controller?.stop(5000);
    await peer?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(routingDir, { recursive: true, force: true });
  });

  it('IVR: a three-level menu walked by keypad in one call; path, turns and barge-in as on Asterisk', async () => {
    const c = caller(peer, '4008009001', [
      ['1', 1200],
      ['2', 2600],
      ['3', 4000],
    ]);
    const end = await c.ended;
    const r = await recordOf(controller.store, c.sipCallId);
    expect(r, JSON.stringify(end)).toMatchObject({
      flow: 'lab-three-levels',
      outcome: 'completed',
      digits: '123',
      turns: 3,
      selfServed: true,
    });
    expect(r?.path).toEqual(['answer', 'one', 'two', 'three', 'done', 'bye']);
    expect(r?.timeline.filter((t) => t.what === 'barge-in')).toHaveLength(3);
    expect(r?.hangupBy).toBe('controller');
    // What the caller heard, as FreeSWITCH played it: the lab's prompt files, cut by the keys.
    const played = c.call.events.flatMap((e) => (e.type === 'playback' ? [e] : []));
    expect(played.filter((p) => p.status === 'break')).toHaveLength(3);
    expect(played.every((p) => p.status !== 'notfound')).toBe(true);
  }, 30_000);

  it(
    'router: the caller waits in a holding conference, the agent is rung on FreeSWITCH ' +
      'with its own dial string, both meet in a mixing conference, recorded; wrap-up after',
    async () => {
      await onlyAvailable(controller.routing, ['1001']);
      const c = caller(peer, '4008001234', [['1', 1200]]);
      const leg = await peer.nextLeg(15_000);
      expect(leg.variables.hotline_role).toBe('originated');
      await leg.answered;
      // Talking: both in one conference of ours.
      await expect
        .poll(() => c.call.conference?.name ?? '', { timeout: 5000 })
        .toMatch(/^hotline-m-/);
      expect(leg.conference?.name).toBe(c.call.conference?.name);
      const joined = c.call.events.flatMap((e) =>
        e.type === 'conference' && e.action === 'join' ? [e.conference] : [],
      );
      expect(joined.map((n) => n.slice(0, 9))).toEqual(['hotline-h', 'hotline-m']);
      await new Promise((r) => setTimeout(r, 1500));
      await c.call.hangup();
      await leg.ended;
      const r = await recordOf(controller.store, c.sipCallId);
      expect(r).toMatchObject({
        outcome: 'connected',
        queue: 'billing',
        agentId: '1001',
        digits: '1',
      });
      expect(r?.timeline.map((t) => t.what)).toEqual(
        expect.arrayContaining(['queue billing', 'ring 1001', 'connected 1001']),
      );
      expect((await controller.routing.agents.status('1001'))?.state).toBe('wrap-up');
      // The conversation was recorded through the conference and stored like any other.
      expect(r?.recordingId).toMatch(/^rec-/);
      await expect
        .poll(
          async () => (await controller.recordings!.deps.catalogue.get(r!.recordingId!))?.tier,
          {
            timeout: 15_000,
          },
        )
        .toBe('hot');
      const live = await controller.servers[0]!.liveState({ timeoutMs: 3000 });
      expect(live.channels).toEqual([]);
      expect(live.bridges).toEqual([]);
    },
    40_000,
  );
});

describe('agents who do not answer, on FreeSWITCH (ESL peer)', () => {
  let peer: EslPeer;
  let dir: string;
  const cleanups: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-fs-ring-'));
    peer = new EslPeer({ password: PEER_PASSWORD, mediaMs });
    // 1001's phone rings and rings; everyone else answers at once.
    peer.setEndpoint((dial) =>
      dial.startsWith('user/1001@') ? { ring: true } : { answerAfterMs: 50 },
    );
    await peer.start();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });
  afterAll(async () => {
    await peer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function connectedCall(
    queues: [string, string][],
  ): Promise<{ controller: Controller; record: CallRecord | undefined; legs: PeerCall[] }> {
    const routingDir = routing(queues);
    const controller = await onPeer(peer, dir, routingDir);
    cleanups.push(async () => {
      await controller.stop(5000);
      rmSync(routingDir, { recursive: true, force: true });
    });
    await onlyAvailable(controller.routing, ['1001', '1004']);
    const before = peer.legs.length;
    const c = caller(peer, '4008001234', [['1', 1200]]);
    // Connected as the controller sees it (both legs in the mixing bridge), not just the caller moved.
    const connected = (): boolean =>
      controller.runner
        .liveCalls()
        .some(
          (r) =>
            r.sipCallId === c.sipCallId && r.timeline.some((t) => t.what.startsWith('connected')),
        );
    await expect.poll(connected, { timeout: 15_000 }).toBe(true);
    await c.call.hangup();
    const record = await recordOf(controller.store, c.sipCallId);
    return { controller, record, legs: peer.legs.slice(before) };
  }

  it('no answer within the time rings the next agent and pauses the one who missed (max-no-answer 1)', async () => {
    const { controller, record, legs } = await connectedCall([
      ['noAnswerSeconds: 15\n    maxNoAnswer: 3', 'noAnswerSeconds: 3\n    maxNoAnswer: 1'],
    ]);
    expect(record).toMatchObject({ outcome: 'connected', agentId: '1004' });
    expect(record?.timeline.map((t) => t.what)).toEqual(
      expect.arrayContaining(['ring 1001', 'no answer 1001', 'ring 1004', 'connected 1004']),
    );
    expect(await controller.routing.agents.status('1001')).toMatchObject({
      state: 'on-break',
      reason: 'missed 1 calls',
    });
    // The unanswered leg was taken down, not left ringing.
    expect(legs.map((l) => [l.channelName.split('/')[1]?.slice(0, 4), l.state])).toEqual([
      ['1001', 'ended'],
      ['1004', 'ended'],
    ]);
  }, 40_000);

  it('ring-all rings both; the first answer wins, the other phone stops ringing and its agent stays free', async () => {
    const { controller, record, legs } = await connectedCall([
      ['strategy: weighted-round-robin', 'strategy: ring-all'],
    ]);
    expect(record).toMatchObject({ outcome: 'connected', agentId: '1004' });
    expect(record?.timeline.map((t) => t.what)).not.toContain('no answer 1001');
    expect((await controller.routing.agents.status('1001'))?.state).toBe('available');
    expect(legs).toHaveLength(2);
    expect(legs.every((l) => l.state === 'ended')).toBe(true);
  }, 40_000);
});

describe('two media servers in one controller: the lab Asterisk and FreeSWITCH (ESL peer)', () => {
  let peer: EslPeer;
  let controller: Controller | undefined;
  let dir: string;
  afterEach(async () => {
    await controller?.stop(5000);
    controller = undefined;
    await peer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('calls on both at once; FreeSWITCH stops and Asterisk keeps serving; FreeSWITCH returns', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-fs-two-'));
    peer = new EslPeer({ password: PEER_PASSWORD, mediaMs });
    const port = await peer.start();
    const base = labConfig();
    const config: Config = {
      ...base,
      mediaServers: [
        labAsterisk(base),
        peerServerConfig(port, dir, { promptDir: labPaths(base.lab).prompts }),
      ],
      session: { ...base.session, digitTimeoutMs: 2000 },
    };
    controller = await startController(config, { log: silentLog, http: false });
    const [asterisk, freeswitch] = controller.servers;
    await waitReady(asterisk!);
    await waitReady(freeswitch!);

    // The built-in welcome flow on 4008001234: a key, read back, goodbye; one call on each server.
    const onPeer = caller(peer, '4008001234', [['1', 1500]]);
    const onAsterisk = runSipp({
      scenario: 'uac-400-dtmf-expect-bye',
      service: '4008001234',
      dtmf: '1',
      timeoutMs: 30_000,
    });
    const [sipp] = await Promise.all([onAsterisk, onPeer.ended]);
    expect(sipp.exitCode, sipp.errors).toBe(0);
    const a = await recordOf(controller.store, sipp.callId(1));
    const f = await recordOf(controller.store, onPeer.sipCallId);
    expect(a).toMatchObject({ outcome: 'completed', digits: '1', mediaServer: 'asterisk-lab' });
    expect(f).toMatchObject({ outcome: 'completed', digits: '1', mediaServer: 'fs-peer' });

    // FreeSWITCH goes away; its calls end, Asterisk's go on being served.
    const stranded = caller(peer, '4008001234');
    await expect.poll(() => stranded.call.state).toBe('answered');
    await peer.shutdown();
    expect((await stranded.ended).cause).toBe('SYSTEM_SHUTDOWN');
    await expect.poll(() => freeswitch!.status().ready).toBe(false);
    expect(asterisk!.status().ready).toBe(true);
    const again = await runSipp({
      scenario: 'uac-400-dtmf-expect-bye',
      service: '4008001234',
      dtmf: '1',
      timeoutMs: 30_000,
    });
    expect(again.exitCode, again.errors).toBe(0);
    expect(await recordOf(controller.store, again.callId(1))).toMatchObject({
      outcome: 'completed',
      digits: '1',
    });

    // Back again: the adapter reconnects by itself and serves.
    await peer.start();
    await waitReady(freeswitch!, 10_000);
    const back = caller(peer, '4008001234', [['1', 1500]]);
    await back.ended;
    expect(await recordOf(controller.store, back.sipCallId)).toMatchObject({
      outcome: 'completed',
      digits: '1',
      mediaServer: 'fs-peer',
    });
  }, 90_000);
});
