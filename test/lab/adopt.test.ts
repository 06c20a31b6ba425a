import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startController, type Controller } from '../../controller/main.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { runSipp, startSippAgents } from '../../tools/sipp/sipp.js';
import { recordOf, silentLog, waitReady } from './harness.js';
import { labConfig } from './lab-config.js';

/** Every controller process started here: killed at the end whatever happened. */
const spawned: ChildProcess[] = [];

/** A controller process that the test kills with SIGKILL, as a crash would. */
async function startDoomedController(): Promise<ChildProcess> {
  const config = labConfig();
  const file = join(mkdtempSync(join(tmpdir(), 'hotline-adopt-')), 'hotline.yaml');
  writeFileSync(
    file,
    `controller: { name: doomed }\nlog: { level: warn }\nredis: { url: "${config.redis.url}", keyPrefix: "${config.redis.keyPrefix}" }\napi: { port: 18481 }\nflows: { dir: "${config.flows.dir}" }\nsession: { menu: { "1": billing } }\n`,
  );
  const child = spawn(
    process.execPath,
    [join(PROJECT_ROOT, 'bin', 'hotline.js'), 'start', '--config', file],
    { stdio: 'ignore' },
  );
  spawned.push(child);
  for (let i = 0; i < 100; i++) {
    const ok = await fetch('http://127.0.0.1:18481/readyz').then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

/** A controller dies (SIGKILL) mid-call; the next one picks the call up where it was. */
describe('calls survive the death of their controller', () => {
  let first: ChildProcess | undefined;
  let second: Controller | undefined;
  afterAll(async () => {
    for (const child of spawned) if (child.exitCode === null) child.kill('SIGKILL');
    await second?.stop(5000);
  });

  it('a waiting caller is adopted by the next controller, keeps its place and is connected', async () => {
    const config = labConfig();
    first = await startDoomedController();
    // Use the second controller's Redis view to set agents up (it is not taking calls yet).
    second = await startController(
      { ...config, session: { ...config.session, menu: { '1': 'billing' } } },
      { log: silentLog, http: false, mediaServers: false },
    );
    for (const id of ['1001', '1002', '1003', '1004'])
      await second.routing.agents.change(id, 'logged-out').catch(() => undefined);
    await second.routing.agents.change('1001', 'on-break', 'meeting');
    const agents = startSippAgents({ calls: 1, timeoutMs: 30_000 });
    const caller = runSipp({
      scenario: 'uac-400-dtmf-then-hangup',
      service: '4008001234',
      dtmf: '1',
      timeoutMs: 30_000,
    });
    for (let i = 0; i < 30 && (await second.routing.waiting.length('billing')) === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await second.routing.waiting.length('billing')).toBe(1);
    first.kill('SIGKILL');
    first = undefined;
    await second.stop(1000);
    second = await startController(
      { ...config, session: { ...config.session, menu: { '1': 'billing' } } },
      { log: silentLog, http: false },
    );
    await waitReady(second.servers[0]!);
    for (let i = 0; i < 30 && second.runner.liveCalls().length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(second.runner.liveCalls()).toHaveLength(1);
    await second.routing.agents.change('1001', 'available');
    const [c, a] = await Promise.all([caller, agents.done]);
    expect(c.exitCode, c.errors).toBe(0);
    expect(a.exitCode, a.errors).toBe(0);
    const record = await recordOf(second.store, c.callId(1));
    expect(record).toMatchObject({
      outcome: 'connected',
      agentId: '1001',
      digits: '1',
      controller: 'hotline-1',
    });
    const steps = record?.timeline.map((t) => t.what) ?? [];
    expect(steps).toEqual(
      expect.arrayContaining([
        '(before) queue billing',
        'adopted',
        'resume queue billing',
        'connected 1001',
      ]),
    );
    // A recorded bridge can stay listed for a moment after DELETE while its recording closes.
    await expect
      .poll(async () => (await second!.servers[0]!.liveState({ timeoutMs: 5000 })).bridges, {
        timeout: 3000,
      })
      .toEqual([]);
  }, 60_000);

  it('a conversation goes on untouched; when the caller hangs up the agent wraps up', async () => {
    await second?.stop(1000);
    second = undefined;
    const config = labConfig();
    const menu = { ...config.session, menu: { '1': 'billing' } };
    first = await startDoomedController();
    const watcher = await startController(
      { ...config, session: menu },
      { log: silentLog, http: false, mediaServers: false },
    );
    for (const id of ['1001', '1002', '1003', '1004'])
      await watcher.routing.agents.change(id, 'logged-out').catch(() => undefined);
    await watcher.routing.agents.change('1001', 'available');
    const agents = startSippAgents({ calls: 1, timeoutMs: 40_000 });
    // The caller talks for 8 s and hangs up itself: a call cut by the crash would fail SIPp.
    const caller = runSipp({
      scenario: 'uac-400-dtmf-then-hangup',
      service: '4008001234',
      dtmf: '1',
      holdMs: 8000,
      timeoutMs: 40_000,
    });
    for (
      let i = 0;
      i < 60 && (await watcher.routing.agents.status('1001'))?.state !== 'talking';
      i++
    )
      await new Promise((r) => setTimeout(r, 100));
    expect((await watcher.routing.agents.status('1001'))?.state).toBe('talking');
    await new Promise((r) => setTimeout(r, 300));
    first.kill('SIGKILL');
    first = undefined;
    await watcher.stop(1000);
    second = await startController({ ...config, session: menu }, { log: silentLog, http: false });
    await waitReady(second.servers[0]!);
    for (let i = 0; i < 30 && second.runner.liveCalls().length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    // One call (the caller's); the agent's leg is claimed by it, not taken for a new call.
    expect(second.runner.liveCalls()).toHaveLength(1);
    const [c, a] = await Promise.all([caller, agents.done]);
    expect(c.exitCode, c.errors).toBe(0);
    expect(a.exitCode, a.errors).toBe(0);
    const record = await recordOf(second.store, c.callId(1));
    expect(record).toMatchObject({ outcome: 'connected', agentId: '1001', queue: 'billing' });
    expect(record?.timeline.map((t) => t.what)).toEqual(
      expect.arrayContaining([
        '(before) connected 1001',
        'adopted',
        'resume conversation 1001',
        'caller hung up',
      ]),
    );
    expect((await second.routing.agents.status('1001'))?.state).toMatch(/wrap-up|available/);
    // Asterisk may list a bridge whose recording is still closing for a moment after DELETE.
    const live = (): Promise<{ bridges: unknown[]; channels: unknown[] }> =>
      second!.servers[0]!.liveState({ timeoutMs: 5000 });
    await expect.poll(async () => (await live()).bridges, { timeout: 3000 }).toEqual([]);
    expect((await live()).channels).toEqual([]);
  }, 60_000);
});
