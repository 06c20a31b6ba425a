import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../controller/util/project-root.js';
import { answer } from '../../controller/session/verbs/answer.js';
import { queue } from '../../controller/session/verbs/queue.js';
import type { CallRecord } from '../../controller/calls/record.js';
import { startController, type Controller } from '../../controller/main.js';
import { runSipp, startSippAgents } from '../sipp/sipp.js';
import { silentLog, waitReady } from './harness.js';
import { labConfig } from './lab-config.js';

/** Caller -> IVR key 1 -> billing queue -> a SIPp agent on 127.0.0.2 -> bridged, on real Asterisk. */
describe('routing calls to agents in the lab', () => {
  let controller: Controller;

  beforeAll(async () => {
    const config = labConfig();
    controller = await startController({ ...config, session: { ...config.session, menu: { '1': 'billing' } } }, { log: silentLog, http: false });
    await waitReady(controller.servers[0]!);
  });
  afterAll(async () => {
    await controller.stop(5000);
  });
  beforeEach(async () => {
    for (const a of controller.routing.config.agents) {
      const s = await controller.routing.agents.status(a.id);
      if (s && s.state !== 'logged-out') await controller.routing.agents.change(a.id, s.state === 'talking' ? 'wrap-up' : s.state).catch(() => undefined);
      await controller.routing.agents.change(a.id, 'logged-out').catch(() => undefined);
    }
  });

  async function recordOf(sipCallId: string): Promise<CallRecord | undefined> {
    for (let i = 0; i < 50; i++) {
      const r = await controller.store.findBySipCallId(sipCallId);
      if (r?.state === 'ended') return r;
      await new Promise((res) => setTimeout(res, 100));
    }
    return controller.store.findBySipCallId(sipCallId);
  }

  it('connects the caller to the free agent, in a mixing bridge, and puts the agent in wrap-up after', async () => {
    await controller.routing.agents.change('1001', 'available');
    await new Promise((r) => setTimeout(r, 100));
    const agents = startSippAgents({ calls: 1, timeoutMs: 30_000 });
    const caller = await runSipp({ scenario: 'uac-400-dtmf-then-hangup', service: '4008001234', dtmf: '1', timeoutMs: 30_000 });
    const agent = await agents.done;
    expect(caller.exitCode, caller.errors).toBe(0);
    expect(agent.exitCode, agent.errors).toBe(0);
    expect(agent.successful).toBe(1);
    const record = await recordOf(caller.callId(1));
    expect(record).toMatchObject({ outcome: 'connected', queue: 'billing', agentId: '1001', digits: '1' });
    const steps = record?.timeline.map((t) => t.what) ?? [];
    expect(steps).toEqual(expect.arrayContaining(['queue billing', 'ring 1001', 'connected 1001']));
    expect(record?.queueWaitMs).toBeLessThan(2000);
    expect((await controller.routing.agents.status('1001'))?.state).toBe('wrap-up');
    const live = await controller.servers[0]!.liveState({ timeoutMs: 5000 });
    expect(live.bridges).toEqual([]);
    expect(live.channels).toEqual([]);
  });
});

describe('an agent who does not answer', () => {
  let controller: Controller;
  let dir: string;

  beforeAll(async () => {
    // 1001 rings on 127.0.0.4 where nobody answers; 1004 answers on 127.0.0.2.
    dir = mkdtempSync(join(tmpdir(), 'hotline-routing-lab-'));
    cpSync(join(PROJECT_ROOT, 'dialplan', 'routing'), dir, { recursive: true });
    const agentsFile = join(dir, 'agents.yaml');
    writeFileSync(agentsFile, readFileSync(agentsFile, 'utf8').replace('PJSIP/1001@agents-lab', 'PJSIP/1001@agents-lab2'));
    const queuesFile = join(dir, 'queues.yaml');
    writeFileSync(queuesFile, readFileSync(queuesFile, 'utf8').replace('noAnswerSeconds: 15\n    maxNoAnswer: 3', 'noAnswerSeconds: 3\n    maxNoAnswer: 1'));
    const config = labConfig();
    controller = await startController(
      { ...config, routing: { dir }, session: { ...config.session, menu: { '1': 'billing' } } },
      { log: silentLog, http: false },
    );
    await waitReady(controller.servers[0]!);
  });
  afterAll(async () => {
    await controller.stop(5000);
  });

  it('rings the next agent, and pauses the one who missed (max-no-answer 1)', async () => {
    for (const id of ['1001', '1002', '1003', '1004']) await controller.routing.agents.change(id, 'logged-out').catch(() => undefined);
    await controller.routing.agents.change('1001', 'available');
    await controller.routing.agents.change('1004', 'available');
    await new Promise((r) => setTimeout(r, 100));
    const silent = startSippAgents({ scenario: 'uas-agent-no-answer', localIp: '127.0.0.4', calls: 1, timeoutMs: 30_000 });
    const answering = startSippAgents({ calls: 1, timeoutMs: 30_000 });
    const caller = await runSipp({ scenario: 'uac-400-dtmf-then-hangup', service: '4008001234', dtmf: '1', timeoutMs: 40_000 });
    const [missed, took] = await Promise.all([silent.done, answering.done]);
    expect(caller.exitCode, caller.errors).toBe(0);
    expect(missed.exitCode, missed.errors).toBe(0);
    expect(took.exitCode, took.errors).toBe(0);
    let record: CallRecord | undefined;
    for (let i = 0; i < 50 && record?.state !== 'ended'; i++) {
      record = await controller.store.findBySipCallId(caller.callId(1));
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(record).toMatchObject({ outcome: 'connected', agentId: '1004' });
    const steps = record?.timeline.map((t) => t.what) ?? [];
    expect(steps).toEqual(expect.arrayContaining(['ring 1001', 'no answer 1001', 'ring 1004', 'connected 1004']));
    expect(await controller.routing.agents.status('1001')).toMatchObject({ state: 'on-break', reason: 'missed 1 calls' });
  });
});

describe('callers waiting for a busy queue', () => {
  let controller: Controller;

  beforeAll(async () => {
    const config = labConfig();
    // A flow straight into billing, VIP (priority 5) for 139... callers.
    controller = await startController(config, {
      log: silentLog,
      http: false,
      flow: async (call) => {
        await answer(call);
        const outcome = await queue(call, call.routing!, 'billing', { priority: call.channel.info.callerNumber.startsWith('139') ? 5 : 0 });
        return outcome === 'connected' || outcome === 'abandoned' ? outcome : 'overflow';
      },
    });
    await waitReady(controller.servers[0]!);
  });
  afterAll(async () => {
    await controller.stop(5000);
  });

  it('wait on hold, the VIP is served first when an agent frees, the other abandons; statistics count both', async () => {
    for (const id of ['1001', '1002', '1003', '1004']) await controller.routing.agents.change(id, 'logged-out').catch(() => undefined);
    await controller.routing.agents.change('1001', 'on-break', 'meeting');
    const before = await controller.routing.stats.get('billing');
    const agents = startSippAgents({ calls: 1, timeoutMs: 30_000 });
    const normal = runSipp({ scenario: 'uac-400-dtmf-then-hangup', service: '4008001234', callerNumber: '13812345678', timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 700));
    const vip = runSipp({ scenario: 'uac-400-dtmf-then-hangup', service: '4008001234', callerNumber: '13912345678', timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 1200));
    expect(await controller.routing.waiting.length('billing')).toBe(2);
    await controller.routing.agents.change('1001', 'available');
    const [n, v, a] = await Promise.all([normal, vip, agents.done]);
    expect(n.exitCode, n.errors).toBe(0);
    expect(v.exitCode, v.errors).toBe(0);
    expect(a.exitCode, a.errors).toBe(0);
    const vipRecord = await controller.store.findBySipCallId(v.callId(1));
    const normalRecord = await controller.store.findBySipCallId(n.callId(1));
    expect(vipRecord).toMatchObject({ outcome: 'connected', agentId: '1001' });
    expect(normalRecord).toMatchObject({ outcome: 'abandoned' });
    const after = await controller.routing.stats.get('billing');
    expect(after.offered - before.offered).toBe(2);
    expect(after.answered - before.answered).toBe(1);
    expect(after.abandoned - before.abandoned).toBe(1);
    expect(after.waiting).toBe(0);
    expect(after.serviceLevel).not.toBeNull();
  });
});

describe('ring-all', () => {
  let controller: Controller;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-routing-ringall-'));
    cpSync(join(PROJECT_ROOT, 'dialplan', 'routing'), dir, { recursive: true });
    const agentsFile = join(dir, 'agents.yaml');
    writeFileSync(agentsFile, readFileSync(agentsFile, 'utf8').replace('PJSIP/1001@agents-lab', 'PJSIP/1001@agents-lab2'));
    const queuesFile = join(dir, 'queues.yaml');
    writeFileSync(queuesFile, readFileSync(queuesFile, 'utf8').replace('strategy: weighted-round-robin', 'strategy: ring-all'));
    const config = labConfig();
    controller = await startController({ ...config, routing: { dir }, session: { ...config.session, menu: { '1': 'billing' } } }, { log: silentLog, http: false });
    await waitReady(controller.servers[0]!);
  });
  afterAll(async () => {
    await controller.stop(5000);
  });

  it('rings every free agent at once; the first to answer takes the call, the others stop ringing and stay free', async () => {
    for (const id of ['1001', '1002', '1003', '1004']) await controller.routing.agents.change(id, 'logged-out').catch(() => undefined);
    await controller.routing.agents.change('1001', 'available');
    await controller.routing.agents.change('1004', 'available');
    await new Promise((r) => setTimeout(r, 100));
    const silent = startSippAgents({ scenario: 'uas-agent-no-answer', localIp: '127.0.0.4', calls: 1, timeoutMs: 30_000 });
    const answering = startSippAgents({ calls: 1, timeoutMs: 30_000 });
    const caller = await runSipp({ scenario: 'uac-400-dtmf-then-hangup', service: '4008001234', dtmf: '1', timeoutMs: 40_000 });
    const [cancelled, took] = await Promise.all([silent.done, answering.done]);
    expect(caller.exitCode, caller.errors).toBe(0);
    expect(cancelled.exitCode, cancelled.errors).toBe(0);
    expect(took.exitCode, took.errors).toBe(0);
    const record = await controller.store.findBySipCallId(caller.callId(1));
    expect(record).toMatchObject({ outcome: 'connected', agentId: '1004' });
    const steps = record?.timeline.map((t) => t.what) ?? [];
    expect(steps).toEqual(expect.arrayContaining(['ring 1001', 'ring 1004', 'connected 1004']));
    expect(steps).not.toContain('no answer 1001');
    expect((await controller.routing.agents.status('1001'))?.state).toBe('available');
  });
});
