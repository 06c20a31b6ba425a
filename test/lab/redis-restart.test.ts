import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type Controller } from '../../controller/main.js';
import { labPaths } from '../../tools/lab/paths.js';
import { startRedis, stopRedis } from '../../tools/lab/redis.js';
import { runSipp, startSippAgents } from '../../tools/sipp/sipp.js';
import { onlyAvailable, recordOf, silentLog, waitReady } from './harness.js';
import { labConfig } from './lab-config.js';

/** Redis restarts while a caller waits on hold: the caller keeps waiting and is then connected. */
describe('a Redis restart under a waiting caller', () => {
  const config = labConfig();
  let controller: Controller;
  beforeAll(async () => {
    controller = await startController(
      { ...config, session: { ...config.session, menu: { '1': 'billing' } } },
      { log: silentLog, http: false },
    );
    await waitReady(controller.servers[0]!);
  });
  afterAll(async () => {
    await controller.stop(5000);
    await startRedis(labPaths(config.lab), config.lab.redisPort);
  });

  it('loses neither the caller nor the agents’ states', async () => {
    await onlyAvailable(controller.routing, []);
    await controller.routing.agents.change('1001', 'on-break', 'meeting');
    const agents = startSippAgents({ calls: 1, timeoutMs: 30_000 });
    const caller = runSipp({
      scenario: 'uac-400-dtmf-then-hangup',
      service: '4008001234',
      dtmf: '1',
      timeoutMs: 30_000,
    });
    for (let i = 0; i < 30 && (await controller.routing.waiting.length('billing')) === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await controller.routing.waiting.length('billing')).toBe(1);
    const paths = labPaths(config.lab);
    await stopRedis(paths);
    await new Promise((r) => setTimeout(r, 700));
    await startRedis(paths, config.lab.redisPort);
    // The append-only file brought back the agent's state and the caller's place.
    expect(await controller.routing.agents.status('1001')).toMatchObject({
      state: 'on-break',
      reason: 'meeting',
    });
    expect(await controller.routing.waiting.length('billing')).toBe(1);
    await controller.routing.agents.change('1001', 'available');
    const [c, a] = await Promise.all([caller, agents.done]);
    expect(c.exitCode, c.errors).toBe(0);
    expect(a.exitCode, a.errors).toBe(0);
    expect(await recordOf(controller.store, c.callId(1))).toMatchObject({
      outcome: 'connected',
      agentId: '1001',
    });
  }, 60_000);
});
