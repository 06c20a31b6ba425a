import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runSipp } from '../../../test/sipp/sipp.js';
import { asteriskPid } from '../../lab/asterisk.js';
import { controllerPid } from '../../lab/controller-process.js';
import { cpuSeconds } from '../../lab/proc-cpu.js';
import { labPaths, PROJECT_ROOT } from '../../lab/paths.js';
import { redisPid } from '../../lab/redis.js';
import { configFrom } from '../config-option.js';

export interface LoadReport {
  at: string;
  cps: number;
  calls: number;
  successful: number;
  failed: number;
  setupMs: { p50: number; p90: number; p99: number; max: number } | undefined;
  cpuSecondsPerCall: { controller: number | undefined; asterisk: number | undefined; redis: number | undefined };
  wallSeconds: number;
}

/** SIPp callers into the lab at a fixed rate; reports setup times and CPU cost per call. */
export async function loadCommand(opts: { cps: string; calls: string; json: boolean; config?: string; dtmf: string }): Promise<LoadReport> {
  const { config } = configFrom(opts);
  const cps = Number(opts.cps);
  const calls = Number(opts.calls);
  if (!(cps > 0 && cps <= 500) || !(Number.isInteger(calls) && calls > 0 && calls <= 100_000)) {
    throw new Error('--cps must be in (0, 500] and --calls a whole number in [1, 100000]');
  }
  const paths = labPaths(config.lab);
  const pids = { controller: await controllerPid(paths), asterisk: await asteriskPid(paths), redis: await redisPid(paths) };
  if (!pids.controller) process.stderr.write('warning: no lab controller running (hotline lab up); controller CPU not measured\n');
  const before = await cpuOf(pids);
  const started = Date.now();
  const ticker = setInterval(() => process.stderr.write('.'), 1000);
  const sipp = await runSipp({
    scenario: 'uac-400-dtmf-expect-bye',
    service: '4008001234',
    dtmf: opts.dtmf,
    calls,
    rate: cps,
    limit: Math.max(50, cps * 20),
    timeoutMs: Math.ceil((calls / cps) * 1000) + 60_000,
  }).finally(() => clearInterval(ticker));
  process.stderr.write('\n');
  const wallSeconds = (Date.now() - started) / 1000;
  const after = await cpuOf(pids);
  const per = (k: keyof typeof before): number | undefined => {
    const b = before[k];
    const a = after[k];
    return a === undefined || b === undefined ? undefined : round((a - b) / calls, 5);
  };
  const sorted = [...sipp.setupMs].sort((a, b) => a - b);
  const report: LoadReport = {
    at: new Date().toISOString(),
    cps,
    calls,
    successful: sipp.successful,
    failed: sipp.failed,
    setupMs: sorted.length ? { p50: pct(sorted, 50), p90: pct(sorted, 90), p99: pct(sorted, 99), max: sorted[sorted.length - 1] ?? 0 } : undefined,
    cpuSecondsPerCall: { controller: per('controller'), asterisk: per('asterisk'), redis: per('redis') },
    wallSeconds: round(wallSeconds, 1),
  };
  const out = join(PROJECT_ROOT, 'bench', 'results');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, `load-${cps}cps-${calls}calls.json`), `${JSON.stringify(report, null, 2)}\n`);
  if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    const s = report.setupMs;
    const c = report.cpuSecondsPerCall;
    const ms = (v: number | undefined): string => (v === undefined ? '-' : `${(v * 1000).toFixed(2)} ms`);
    process.stdout.write(
      [
        `load: ${calls} calls at ${cps}/s in ${report.wallSeconds} s`,
        `  successful   ${report.successful}/${calls}`,
        `  failed       ${report.failed}`,
        `  setup (INVITE to 200 OK) p50 ${s?.p50 ?? '-'} ms, p90 ${s?.p90 ?? '-'} ms, p99 ${s?.p99 ?? '-'} ms, max ${s?.max ?? '-'} ms`,
        `  CPU per call controller ${ms(c.controller)}, asterisk ${ms(c.asterisk)}, redis ${ms(c.redis)}`,
      ].join('\n') + '\n',
    );
  }
  if (report.successful !== calls) process.exitCode = 1;
  return report;
}

async function cpuOf(pids: Record<'controller' | 'asterisk' | 'redis', number | undefined>) {
  return { controller: await cpuSeconds(pids.controller), asterisk: await cpuSeconds(pids.asterisk), redis: await cpuSeconds(pids.redis) };
}

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const round = (v: number, digits: number): number => Number(v.toFixed(digits));
