/**
 * npm run bench:queue — real calls through the lab into a queue of idle agents: SIPp callers at a
 * fixed rate press 1 (billing), the router picks an agent, Asterisk rings a SIPp agent phone.
 * Reports the time from the caller entering the queue to the agent being rung, and to the bridge,
 * from the controller's own call records. Saves bench/results/queue-lab-<cps>cps.json.
 * Env: BENCH_CPS (50), BENCH_CALLS (500), BENCH_AGENTS (200), BENCH_HOLD_MS (2000), BENCH_PATH: `direct`
 * (default: a flow that answers and queues at once, as a number without an IVR does) or `menu` (a
 * keypad menu first, key 1).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { loadConfig } from '../../controller/config/load.js';
import { labInfra } from '../lab/lab.js';
import { labPaths } from '../lab/paths.js';
import { asteriskPid } from '../lab/asterisk.js';
import { cpuSeconds } from '../lab/proc-cpu.js';
import { redisPid } from '../lab/redis.js';
import { createLogger } from '../../controller/log/logger.js';
import { startController } from '../../controller/main.js';
import { runSipp, startSippAgents } from '../sipp/sipp.js';
import { pauseLabController, runBench, saveResult } from './bench.js';
import { ignored } from '../../lib/settle.js';

const cps = Number(process.env.BENCH_CPS ?? 50);
const calls = Number(process.env.BENCH_CALLS ?? 500);
const agentCount = Number(process.env.BENCH_AGENTS ?? 200);
const holdMs = Number(process.env.BENCH_HOLD_MS ?? 2000);
const path = process.env.BENCH_PATH === 'menu' ? 'menu' : 'direct';

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
const summary = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: pct(s, 50),
    p90: pct(s, 90),
    p99: pct(s, 99),
    max: s[s.length - 1] ?? NaN,
  };
};

async function main(): Promise<void> {
  const base = loadConfig({});
  const config = {
    ...base,
    redis: {
      ...base.redis,
      url: base.redis.url.replace(/\/\d+$/, '/14'),
      keyPrefix: 'hotline-bench:',
    },
    log: { ...base.log, level: 'warn' as const },
  };
  await labInfra(config);
  const paths = labPaths(config.lab);
  const restoreLabController = await pauseLabController(config);
  const dir = await mkdtemp(join(tmpdir(), 'hotline-bench-routing-'));
  const agents = Array.from(
    { length: agentCount },
    (_, i) =>
      `  - { id: "b${i}", name: "Agent ${i}", endpoint: "PJSIP/b${i}@agents-lab", skills: { billing: 5 } }`,
  );
  await writeFile(join(dir, 'agents.yaml'), `agents:\n${agents.join('\n')}\n`);
  const flows = await mkdtemp(join(tmpdir(), 'hotline-bench-flows-'));
  const menu = 'menu: { verb: menu, prompt: menu-main, options: { "1": queue }, onFail: queue }';
  await writeFile(
    join(flows, 'bench.yaml'),
    `flow: bench\nnumbers: ["4008001234"]\nlanguage: en\nstart: answer\nnodes:\n  answer: { verb: answer, next: ${path === 'menu' ? 'menu' : 'queue'} }\n${path === 'menu' ? `  ${menu}\n` : ''}  queue: { verb: queue, queue: billing }\n`,
  );
  await writeFile(
    join(dir, 'queues.yaml'),
    'skills: [billing]\nqueues:\n  - { id: billing, skill: billing, ' +
      'strategy: longest-idle, wrapUpSeconds: 0, maxLength: 100000 }\n',
  );
  const controller = await startController(
    { ...config, routing: { dir }, flows: { ...config.flows, dir: flows, watch: false } },
    { log: createLogger({ level: 'warn', name: 'bench' }), http: false },
  );
  try {
    for (let i = 0; i < 100 && !controller.servers[0]?.status().ready; i++)
      await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < agentCount; i++) {
      await controller.routing.agents
        .change(`b${i}`, 'logged-out')
        .catch(ignored(controller.log, 'logging out a bench agent before the run'));
      await controller.routing.agents.change(`b${i}`, 'available');
    }
    await new Promise((r) => setTimeout(r, 500));
    const phones = startSippAgents({ calls, timeoutMs: (calls / cps) * 1000 + 60_000 });
    process.stderr.write(
      `${calls} calls at ${cps}/s into a queue of ${agentCount} idle agents...\n`,
    );
    const started = Date.now();
    const cpuBefore = process.cpuUsage();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const others = { asterisk: await asteriskPid(paths), redis: await redisPid(paths) };
    const othersBefore = {
      asterisk: await cpuSeconds(others.asterisk),
      redis: await cpuSeconds(others.redis),
    };
    const callers = await runSipp({
      scenario: 'uac-400-dtmf-then-hangup',
      service: '4008001234',
      dtmf: path === 'menu' ? '1' : '',
      calls,
      rate: cps,
      limit: cps * 30,
      holdMs,
      timeoutMs: (calls / cps) * 1000 + 60_000,
    });
    const cpu = process.cpuUsage(cpuBefore);
    loopDelay.disable();
    const callSeconds = (Date.now() - started) / 1000;
    const share = async (name: 'asterisk' | 'redis'): Promise<number> =>
      Math.round(
        (100 * ((await cpuSeconds(others[name])) ?? NaN) - 100 * (othersBefore[name] ?? NaN)) /
          callSeconds,
      );
    const cpuPercentOfCore = {
      controller: Math.round((cpu.user + cpu.system) / 1e4 / callSeconds),
      asterisk: await share('asterisk'),
      redis: await share('redis'),
    };
    phones.stop();
    const phoneRun = await phones.done;
    const toRing: number[] = [];
    const toBridge: number[] = [];
    const outcomes = new Map<string, number>();
    for (let n = 1; n <= calls; n++) {
      const r = await controller.store.findBySipCallId(callers.callId(n));
      outcomes.set(r?.outcome ?? 'no record', (outcomes.get(r?.outcome ?? 'no record') ?? 0) + 1);
      const at = (prefix: string): number | undefined =>
        r?.timeline.find((t) => t.what.startsWith(prefix))?.atMs;
      const q = at('queue ');
      const ring = at('ring ');
      const bridged = at('connected ');
      if (q !== undefined && ring !== undefined) toRing.push(ring - q);
      if (q !== undefined && bridged !== undefined) toBridge.push(bridged - q);
      if (process.env.BENCH_STEPS && n % 25 === 0)
        process.stderr.write(r?.timeline.map((t) => `${t.atMs} ${t.what}`).join(' | ') + '\n');
    }
    const report = {
      at: new Date().toISOString(),
      cps,
      calls,
      path,
      agents: agentCount,
      holdMs,
      wallSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
      callers: { successful: callers.successful, failed: callers.failed },
      agentPhones: {
        successful: phoneRun.successful,
        failed: phoneRun.failed,
        firstError: phoneRun.errors.split('\n').find((l) => l.includes(':')) ?? '',
      },
      outcomes: Object.fromEntries(outcomes),
      cpuPercentOfCore,
      eventLoopDelayMs: {
        p50: Math.round(loopDelay.percentile(50) / 1e6),
        p99: Math.round(loopDelay.percentile(99) / 1e6),
        max: Math.round(loopDelay.max / 1e6),
      },
      controllerCpuMsPerCall: Number(((cpu.user + cpu.system) / 1000 / calls).toFixed(2)),
      queueToRingMs: summary(toRing),
      queueToBridgeMs: summary(toBridge),
    };
    await saveResult(`queue-lab-${path}-${cps}cps`, report);
  } finally {
    await controller.stop(10_000);
    await restoreLabController();
  }
}

runBench(main);
