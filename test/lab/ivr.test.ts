import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../controller/calls/record.js';
import { IvrStats } from '../../controller/ivr/stats.js';
import { startController, type Controller } from '../../controller/main.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { runSipp, startSippAgents } from '../../tools/sipp/sipp.js';
import { onlyAvailable, recordOf, silentLog, waitReady } from './harness.js';
import { labConfig } from './lab-config.js';

/** Real calls, real RFC 4733 keys from SIPp, real Asterisk: IVR flows read from files. */
describe('IVR flows on the lab', () => {
  const started: Controller[] = [];
  afterAll(async () => {
    for (const c of started) await c.stop(5000);
  });

  async function controller(flowsDir?: string): Promise<Controller> {
    const config = labConfig();
    const c = await startController(
      flowsDir ? { ...config, flows: { ...config.flows, dir: flowsDir } } : config,
      { log: silentLog, http: false },
    );
    started.push(c);
    await waitReady(c.servers[0]!);
    return c;
  }

  it('a three-level menu is walked in one call and the right branch is taken', async () => {
    const c = await controller();
    const caller = await runSipp({
      scenario: 'uac-400-dtmf-expect-bye',
      service: '4008009001',
      dtmf: '1,2,3',
      timeoutMs: 40_000,
    });
    expect(caller.exitCode, caller.errors).toBe(0);
    const r = await recordOf(c.store, caller.callId(1));
    expect(r).toMatchObject({
      flow: 'lab-three-levels',
      outcome: 'completed',
      digits: '123',
      turns: 3,
      selfServed: true,
    });
    expect(r?.path).toEqual(['answer', 'one', 'two', 'three', 'done', 'bye']);
    // Each key cut the menu it answered (barge-in).
    expect(r?.timeline.filter((t) => t.what === 'barge-in')).toHaveLength(3);
    await c.stop(5000);
    started.pop();
  }, 60_000);

  it('the sample flow serves scripted journeys in three turns or fewer on average', async () => {
    // The Mandarin sample: every lab agent speaks Mandarin, so three callers at once always find
    // three agents with the right skill (English speakers are two, and the router keeps to them).
    const c = await controller(join(PROJECT_ROOT, 'dialplan', 'flows'));
    // Inside the sample's opening hours whatever the clock says.
    c.ivr.now = () => new Date('2026-11-25T03:00:00Z');
    await onlyAvailable(c.routing, ['1001', '1002', '1003', '1004']);
    const selfServe = [
      { keys: '3,,12345678#', path: 'order-status' },
      { keys: '1,1', path: 'balance' },
      { keys: '9,,3,,87654321#', path: 'order-status' },
    ];
    const toAgent = [
      { keys: '1,0', path: 'billing-team' },
      { keys: '2,1', path: 'tech-team' },
      { keys: '0', path: 'agent' },
    ];
    const phones = startSippAgents({ calls: toAgent.length, timeoutMs: 60_000 });
    const runs = await Promise.all([
      ...selfServe.map((j) =>
        runSipp({
          scenario: 'uac-400-dtmf-expect-bye',
          service: '4008008888',
          dtmf: j.keys,
          timeoutMs: 50_000,
        }).then((res) => ({ j, res })),
      ),
      ...toAgent.map((j) =>
        runSipp({
          scenario: 'uac-400-dtmf-then-hangup',
          service: '4008008888',
          dtmf: j.keys,
          holdMs: 5000,
          timeoutMs: 50_000,
        }).then((res) => ({ j, res })),
      ),
    ]);
    phones.stop();
    const records: CallRecord[] = [];
    for (const { j, res } of runs) {
      const steps =
        res.exitCode === 0
          ? ''
          : JSON.stringify((await recordOf(c.store, res.callId(1)))?.timeline);
      expect(res.exitCode, `${j.keys}: ${res.errors.slice(0, 400)} controller saw: ${steps}`).toBe(
        0,
      );
      const r = await recordOf(c.store, res.callId(1));
      expect(r?.path, j.keys).toContain(j.path);
      records.push(r!);
    }
    const turns = records.map((r) => r.turns ?? 0);
    const average = turns.reduce((a, b) => a + b, 0) / turns.length;
    expect(average).toBeLessThanOrEqual(3);
    expect(records.filter((r) => r.selfServed)).toHaveLength(selfServe.length);
    expect(records.filter((r) => r.outcome === 'connected')).toHaveLength(toAgent.length);
    // Read as another process would: the controller writes its counts within a fraction of a second.
    const read = (): Promise<Record<string, number>> =>
      new IvrStats(c.redis, labConfig().redis.keyPrefix).read('hotline-zh');
    await expect
      .poll(async () => (await read()).calls ?? 0, { timeout: 3000 })
      .toBeGreaterThanOrEqual(records.length);
    const stats = await read();
    expect(stats['node:main:out:chosen']).toBeGreaterThanOrEqual(records.length - 1);
  }, 120_000);
});
