import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../controller/config/schema.js';
import { startController, type Controller, type ControllerOptions } from '../../controller/main.js';
import { answer } from '../../controller/session/verbs/answer.js';
import { queue } from '../../controller/acd/queue.js';
import { runSipp, startSippAgents, type SippResult } from '../../tools/sipp/sipp.js';
import { onlyAvailable, recordOf, routingCopy, silentLog, waitReady } from './harness.js';
import { labConfig } from './lab-config.js';

/** Callers -> IVR key 1 -> billing queue -> SIPp agent phones on 127.0.0.2 / .4, on real Asterisk. */
async function controllerWith(
  routingDir?: string,
  opts: ControllerOptions = {},
): Promise<Controller> {
  const config = labConfig();
  const patched: Config = {
    ...config,
    session: { ...config.session, menu: { '1': 'billing' } },
    ...(routingDir ? { routing: { dir: routingDir } } : {}),
  };
  const controller = await startController(patched, { log: silentLog, http: false, ...opts });
  await waitReady(controller.servers[0]!);
  return controller;
}

/** 1001 rings on 127.0.0.4, where the phone never answers; 1004 answers on 127.0.0.2. */
const SILENT_1001: [string, string] = ['PJSIP/1001@agents-lab', 'PJSIP/1001@agents-lab2'];

/** A caller presses 1 while a silent phone (.4) and an answering one (.2) wait for calls. */
async function callWithSilentAndAnsweringAgents(): Promise<{ caller: SippResult }> {
  const silent = startSippAgents({
    scenario: 'uas-agent-no-answer',
    localIp: '127.0.0.4',
    calls: 1,
    timeoutMs: 30_000,
  });
  const answering = startSippAgents({ calls: 1, timeoutMs: 30_000 });
  const caller = await runSipp({
    scenario: 'uac-400-dtmf-then-hangup',
    service: '4008001234',
    dtmf: '1',
    timeoutMs: 40_000,
  });
  const [offered, took] = await Promise.all([silent.done, answering.done]);
  expect(caller.exitCode, caller.errors).toBe(0);
  expect(offered.exitCode, offered.errors).toBe(0);
  expect(took.exitCode, took.errors).toBe(0);
  return { caller };
}

const steps = (record: { timeline: { what: string }[] } | undefined): string[] =>
  record?.timeline.map((t) => t.what) ?? [];

describe('routing calls to agents in the lab', () => {
  let controller: Controller;
  beforeAll(async () => {
    controller = await controllerWith();
  });
  afterAll(async () => {
    await controller.stop(5000);
  });

  it('connects the caller to the free agent, in a mixing bridge, and puts the agent in wrap-up after', async () => {
    await onlyAvailable(controller.routing, ['1001']);
    const agents = startSippAgents({ calls: 1, timeoutMs: 30_000 });
    const caller = await runSipp({
      scenario: 'uac-400-dtmf-then-hangup',
      service: '4008001234',
      dtmf: '1',
      timeoutMs: 30_000,
    });
    const agent = await agents.done;
    expect(caller.exitCode, caller.errors).toBe(0);
    expect(agent.exitCode, agent.errors).toBe(0);
    expect(agent.successful).toBe(1);
    const record = await recordOf(controller.store, caller.callId(1));
    expect(record).toMatchObject({
      outcome: 'connected',
      queue: 'billing',
      agentId: '1001',
      digits: '1',
    });
    expect(steps(record)).toEqual(
      expect.arrayContaining(['queue billing', 'ring 1001', 'connected 1001']),
    );
    expect(record?.queueWaitMs).toBeLessThan(2000);
    expect((await controller.routing.agents.status('1001'))?.state).toBe('wrap-up');
    // A recorded bridge can stay listed for a moment after DELETE while its recording closes.
    await expect
      .poll(async () => (await controller.servers[0]!.liveState({ timeoutMs: 5000 })).bridges, {
        timeout: 3000,
      })
      .toEqual([]);
    expect((await controller.servers[0]!.liveState({ timeoutMs: 5000 })).channels).toEqual([]);
  });
});

describe('an agent who does not answer', () => {
  let controller: Controller;
  beforeAll(async () => {
    controller = await controllerWith(
      routingCopy({
        agents: [SILENT_1001],
        queues: [
          ['noAnswerSeconds: 15\n    maxNoAnswer: 3', 'noAnswerSeconds: 3\n    maxNoAnswer: 1'],
        ],
      }),
    );
  });
  afterAll(async () => {
    await controller.stop(5000);
  });

  it('rings the next agent, and pauses the one who missed (max-no-answer 1)', async () => {
    await onlyAvailable(controller.routing, ['1001', '1004']);
    const { caller } = await callWithSilentAndAnsweringAgents();
    const record = await recordOf(controller.store, caller.callId(1));
    expect(record).toMatchObject({ outcome: 'connected', agentId: '1004' });
    expect(steps(record)).toEqual(
      expect.arrayContaining(['ring 1001', 'no answer 1001', 'ring 1004', 'connected 1004']),
    );
    expect(await controller.routing.agents.status('1001')).toMatchObject({
      state: 'on-break',
      reason: 'missed 1 calls',
    });
  });
});

describe('ring-all', () => {
  let controller: Controller;
  beforeAll(async () => {
    controller = await controllerWith(
      routingCopy({
        agents: [SILENT_1001],
        queues: [['strategy: weighted-round-robin', 'strategy: ring-all']],
      }),
    );
  });
  afterAll(async () => {
    await controller.stop(5000);
  });

  it(
    'rings every free agent at once; the first to answer ' +
      'takes the call, the others stop ringing and stay free',
    async () => {
      await onlyAvailable(controller.routing, ['1001', '1004']);
      const { caller } = await callWithSilentAndAnsweringAgents();
      const record = await recordOf(controller.store, caller.callId(1));
      expect(record).toMatchObject({ outcome: 'connected', agentId: '1004' });
      expect(steps(record)).toEqual(
        expect.arrayContaining(['ring 1001', 'ring 1004', 'connected 1004']),
      );
      expect(steps(record)).not.toContain('no answer 1001');
      expect((await controller.routing.agents.status('1001'))?.state).toBe('available');
    },
  );
});

describe('callers waiting for a busy queue', () => {
  let controller: Controller;
  beforeAll(async () => {
    // A flow straight into billing, VIP (priority 5) for 139... callers; positions every 5 s.
    controller = await controllerWith(
      routingCopy({
        queues: [['maxNoAnswer: 3', 'maxNoAnswer: 3\n    announce: { positionEverySeconds: 5 }']],
      }),
      {
        flow: async (call) => {
          await answer(call);
          const outcome = await queue(call, call.routing!, 'billing', {
            priority: call.channel.info.callerNumber.startsWith('139') ? 5 : 0,
          });
          return outcome === 'connected' || outcome === 'abandoned' ? outcome : 'overflow';
        },
      },
    );
  });
  afterAll(async () => {
    await controller.stop(5000);
  });

  it(
    'wait on hold, the VIP is served first when an agent ' +
      'frees, the other abandons; statistics count both',
    async () => {
      await onlyAvailable(controller.routing, []);
      await controller.routing.agents.change('1001', 'on-break', 'meeting');
      const before = await controller.routing.stats.get('billing');
      const agents = startSippAgents({ calls: 1, timeoutMs: 30_000 });
      const normal = runSipp({
        scenario: 'uac-400-dtmf-then-hangup',
        service: '4008001234',
        callerNumber: '13812345678',
        timeoutMs: 30_000,
      });
      await new Promise((r) => setTimeout(r, 700));
      const vip = runSipp({
        scenario: 'uac-400-dtmf-then-hangup',
        service: '4008001234',
        callerNumber: '13912345678',
        timeoutMs: 30_000,
      });
      await new Promise((r) => setTimeout(r, 1200));
      expect(await controller.routing.waiting.length('billing')).toBe(2);
      await controller.routing.agents.change('1001', 'available');
      const [n, v, a] = await Promise.all([normal, vip, agents.done]);
      expect(n.exitCode, n.errors).toBe(0);
      expect(v.exitCode, v.errors).toBe(0);
      expect(a.exitCode, a.errors).toBe(0);
      expect(await recordOf(controller.store, v.callId(1))).toMatchObject({
        outcome: 'connected',
        agentId: '1001',
      });
      const abandoned = await recordOf(controller.store, n.callId(1));
      expect(abandoned).toMatchObject({ outcome: 'abandoned' });
      // Left alone at the head of the line, the waiting caller heard its position.
      expect(steps(abandoned)).toContain('announce position 1');
      const after = await controller.routing.stats.get('billing');
      expect(after.offered - before.offered).toBe(2);
      expect(after.answered - before.answered).toBe(1);
      expect(after.abandoned - before.abandoned).toBe(1);
      expect(after.waiting).toBe(0);
      expect(after.serviceLevel).not.toBeNull();
    },
  );
});
