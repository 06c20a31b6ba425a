/**
 * npm run bench:soak — issue 8's soak: real calls at a moderate rate for a long time through the
 * whole product path (answer, queue, the router picks one of the lab's SIPp agent phones, bridge,
 * recording, wrap-up), sampling the controller every 10 s: heap, RSS, open handles, calls in
 * progress, event-loop delay. Reports growth after the warm-up: the mean of the last fifth of the
 * run against the first fifth after warm-up. Saves bench/results/soak-<minutes>min.json.
 * Env: BENCH_MINUTES (30), BENCH_CPS (3), BENCH_HOLD_MS (3000), BENCH_WARMUP_MINUTES (5).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { loadConfig } from '../../controller/config/load.js';
import { labInfra } from '../lab/lab.js';
import { createLogger } from '../../controller/log/logger.js';
import { startController } from '../../controller/main.js';
import { runSipp, startSippAgents } from '../sipp/sipp.js';
import { pauseLabController, runBench, saveResult } from './bench.js';
import { ignored } from '../../lib/settle.js';

const minutes = Number(process.env.BENCH_MINUTES ?? 30);
const cps = Number(process.env.BENCH_CPS ?? 3);
const holdMs = Number(process.env.BENCH_HOLD_MS ?? 3000);
const warmupMinutes = Number(process.env.BENCH_WARMUP_MINUTES ?? Math.min(5, minutes / 5));
const AGENTS = 30;

interface Sample {
  atS: number;
  heapMB: number;
  rssMB: number;
  handles: number;
  live: number;
  loopP99Ms: number;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const round = (v: number, d = 1): number => Number(v.toFixed(d));

async function main(): Promise<void> {
  const base = loadConfig({});
  const dir = await mkdtemp(join(tmpdir(), 'hotline-bench-soak-'));
  const agents = Array.from(
    { length: AGENTS },
    (_, i) =>
      `  - { id: "s${i}", name: "Agent ${i}", endpoint: "PJSIP/s${i}@agents-lab", skills: { billing: 5 } }`,
  );
  await writeFile(join(dir, 'agents.yaml'), `agents:\n${agents.join('\n')}\n`);
  await writeFile(
    join(dir, 'queues.yaml'),
    'skills: [billing]\nqueues:\n  - { id: billing, skill: billing, ' +
      'strategy: longest-idle, wrapUpSeconds: 0, maxLength: 100000 }\n',
  );
  const flows = await mkdtemp(join(tmpdir(), 'hotline-bench-soak-flows-'));
  await writeFile(
    join(flows, 'soak.yaml'),
    'flow: soak\nnumbers: ["4008001234"]\nlanguage: en\nstart: answer\nnodes:\n  ' +
      'answer: { verb: answer, next: queue }\n  queue: { verb: queue, queue: billing }\n',
  );
  const config = {
    ...base,
    redis: {
      ...base.redis,
      url: base.redis.url.replace(/\/\d+$/, '/14'),
      keyPrefix: 'hotline-soak:',
    },
    log: { ...base.log, level: 'warn' as const },
    routing: { dir },
    flows: { ...base.flows, dir: flows, watch: false },
    recordings: {
      ...base.recordings,
      hotDir: join(dir, 'hot'),
      warm: { ...base.recordings.warm, dir: join(dir, 'warm') },
      cold: { driver: 'folder' as const, dir: join(dir, 'cold') },
      keyFile: join(dir, 'keys.json'),
      worker: { ...base.recordings.worker, mode: 'off' as const },
    },
  };
  await labInfra(config);
  const restoreLabController = await pauseLabController(config);
  const controller = await startController(config, {
    log: createLogger({ level: 'warn', name: 'soak' }),
    http: false,
  });
  try {
    for (let i = 0; i < 100 && !controller.servers[0]?.status().ready; i++)
      await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < AGENTS; i++) {
      await controller.routing.agents
        .change(`s${i}`, 'logged-out')
        .catch(ignored(controller.log, 'logging out a soak agent before the run'));
      await controller.routing.agents.change(`s${i}`, 'available');
    }
    const calls = Math.round(cps * minutes * 60);
    const samples: Sample[] = [];
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = Date.now();
    const sample = (): void => {
      // Live data only: a collection first (run with --expose-gc), so the sawtooth of garbage does not read as growth.
      (globalThis as { gc?: () => void }).gc?.();
      const m = process.memoryUsage();
      samples.push({
        atS: Math.round((Date.now() - started) / 1000),
        heapMB: round(m.heapUsed / 1048576),
        rssMB: round(m.rss / 1048576),
        handles: (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles()
          .length,
        live: controller.runner.liveCalls().length,
        loopP99Ms: Math.round(loop.percentile(99) / 1e6),
      });
      loop.reset();
      const s = samples.at(-1)!;
      process.stderr.write(
        `${s.atS}s heap ${s.heapMB} MB rss ${s.rssMB} MB handles ${s.handles} live ${s.live} loop p99 ${s.loopP99Ms} ms\n`,
      );
    };
    const timer = setInterval(sample, 10_000);
    const phones = startSippAgents({ calls, timeoutMs: minutes * 60_000 + 120_000 });
    const callers = await runSipp({
      scenario: 'uac-400-dtmf-then-hangup',
      service: '4008001234',
      calls,
      rate: cps,
      limit: cps * 30,
      holdMs,
      timeoutMs: minutes * 60_000 + 120_000,
    });
    clearInterval(timer);
    sample();
    phones.stop();
    const after = samples.filter((s) => s.atS >= warmupMinutes * 60);
    const fifth = Math.max(1, Math.floor(after.length / 5));
    const growth = (
      k: 'heapMB' | 'rssMB' | 'handles',
    ): { early: number; late: number; percent: number } => {
      const early = mean(after.slice(0, fifth).map((s) => s[k]));
      const late = mean(after.slice(-fifth).map((s) => s[k]));
      return {
        early: round(early),
        late: round(late),
        percent: round((100 * (late - early)) / early),
      };
    };
    const report = {
      at: new Date().toISOString(),
      minutes,
      cps,
      holdMs,
      agents: AGENTS,
      warmupMinutes,
      callers: { attempted: calls, successful: callers.successful, failed: callers.failed },
      growthAfterWarmup: {
        heap: growth('heapMB'),
        rss: growth('rssMB'),
        handles: growth('handles'),
      },
      eventLoopP99Ms: {
        median: [...samples.map((s) => s.loopP99Ms)].sort((a, b) => a - b)[
          Math.floor(samples.length / 2)
        ],
        max: Math.max(...samples.map((s) => s.loopP99Ms)),
      },
      samples,
    };
    const { samples: _s, ...summary } = report;
    await saveResult(`soak-${minutes}min`, report, summary);
  } finally {
    await controller.stop(15_000);
    await restoreLabController();
  }
}

runBench(main);
