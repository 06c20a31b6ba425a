/**
 * npm run bench:surge — the surge rehearsal of issue 8: callers at the configured peak, then at
 * three times it, then at the peak again, into a controller whose overload control admits
 * `peak` new calls per second (refusing the rest with 503 before answer). Each admitted call runs
 * a short flow (welcome prompt, goodbye, hang-up: about 5 s). Per phase, from SIPp and from the
 * controller's own records: attempted, served, refused cleanly, failed, setup times; and whether
 * the controller stayed up and served everyone again once the surge ended.
 * Saves bench/results/surge-<peak>cps.json. Env: BENCH_PEAK (10), BENCH_SECONDS (15: the normal
 * phases; the surge lasts as long).
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
import { createLogger } from '../../controller/log/logger.js';
import { startController, type Controller } from '../../controller/main.js';
import { runSipp } from '../sipp/sipp.js';
import { pauseLabController, runBench, saveResult } from './bench.js';

const peak = Number(process.env.BENCH_PEAK ?? 10);
const seconds = Number(process.env.BENCH_SECONDS ?? 15);

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

async function phase(
  controller: Controller,
  name: string,
  cps: number,
): Promise<Record<string, unknown>> {
  const calls = Math.round(cps * seconds);
  process.stderr.write(`${name}: ${calls} calls at ${cps}/s...\n`);
  const started = Date.now();
  const sipp = await runSipp({
    scenario: 'uac-400-dtmf-expect-bye-or-503',
    service: '4008001234',
    calls,
    rate: cps,
    limit: cps * 30,
    callIdPrefix: `surge-${name}-${Date.now().toString(36)}-`,
    timeoutMs: seconds * 1000 + 90_000,
  });
  const outcomes: Record<string, number> = {};
  for (let n = 1; n <= calls; n++) {
    const r = await controller.store.findBySipCallId(sipp.callId(n));
    const o = r?.outcome ?? 'no record';
    outcomes[o] = (outcomes[o] ?? 0) + 1;
  }
  const setup = [...sipp.setupMs].sort((a, b) => a - b);
  return {
    phase: name,
    cps,
    attempted: calls,
    // SIPp's view: a served call (200, BYE from us) and a clean refusal (503, ACK) both succeed.
    sipp: {
      successful: sipp.successful,
      failed: sipp.failed,
      firstErrors: sipp.errors
        .split('\n')
        .filter((l) => l.trim())
        .slice(0, 6),
    },
    outcomes,
    served: outcomes.completed ?? 0,
    refused: outcomes.refused ?? 0,
    setupMsOfServed: {
      n: setup.length,
      p50: pct(setup, 50),
      p99: pct(setup, 99),
      max: setup.at(-1) ?? NaN,
    },
    wallSeconds: Number(((Date.now() - started) / 1000).toFixed(1)),
  };
}

async function main(): Promise<void> {
  const base = loadConfig({});
  const flows = await mkdtemp(join(tmpdir(), 'hotline-bench-surge-'));
  await writeFile(
    join(flows, 'surge.yaml'),
    'flow: surge\nnumbers: ["4008001234"]\nlanguage: en\nstart: answer\nnodes:\n  answer: { verb: answer, next: ' +
      'hello }\n  hello: { verb: play, play: [welcome], next: bye }\n  bye: { verb: hangup, prompt: goodbye }\n',
  );
  const config = {
    ...base,
    redis: {
      ...base.redis,
      url: base.redis.url.replace(/\/\d+$/, '/14'),
      keyPrefix: 'hotline-bench:',
    },
    log: { ...base.log, level: 'warn' as const },
    flows: { ...base.flows, dir: flows, watch: false },
    overload: { ...base.overload, maxNewPerSecond: peak, refuse: 'reject' as const },
    recordings: { ...base.recordings, enabled: false },
  };
  await labInfra(config);
  const paths = labPaths(config.lab);
  const restoreLabController = await pauseLabController(config);
  const controller = await startController(config, {
    log: createLogger({ level: 'warn', name: 'bench' }),
    http: false,
  });
  try {
    for (let i = 0; i < 100 && !controller.servers[0]?.status().ready; i++)
      await new Promise((r) => setTimeout(r, 100));
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpuBefore = process.cpuUsage();
    const asterisk = await asteriskPid(paths);
    const asteriskBefore = await cpuSeconds(asterisk);
    const started = Date.now();
    const phases = [
      await phase(controller, 'normal', peak),
      await phase(controller, 'surge', peak * 3),
      await phase(controller, 'after', peak),
    ];
    const wall = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    loopDelay.disable();
    const report = {
      at: new Date().toISOString(),
      peakCps: peak,
      phaseSeconds: seconds,
      overload: config.overload,
      phases,
      controllerReadyAfter: controller.servers[0]?.status().ready ?? false,
      refusedByAdmission: controller.runner.admission.refused,
      cpuPercentOfCore: {
        controller: Math.round((cpu.user + cpu.system) / 1e4 / wall),
        asterisk: Math.round(
          (100 * (((await cpuSeconds(asterisk)) ?? NaN) - (asteriskBefore ?? NaN))) / wall,
        ),
      },
      eventLoopDelayMs: {
        p50: Math.round(loopDelay.percentile(50) / 1e6),
        p99: Math.round(loopDelay.percentile(99) / 1e6),
        max: Math.round(loopDelay.max / 1e6),
      },
    };
    await saveResult(`surge-${peak}cps`, report);
  } finally {
    await controller.stop(15_000);
    await restoreLabController();
  }
}

runBench(main);
