/**
 * npm run bench:api — the control API under load, measured from a separate process: the live-calls
 * listing with BENCH_LIVE_CALLS (200) calls in progress, and agent state changes (pause/resume)
 * on BENCH_AGENTS (50) agents in real Redis. Needs the lab's Redis (`npx hotline lab up
 * --no-controller`). Env: BENCH_SECONDS (10), BENCH_CONCURRENCY (32). Saves bench/results/api.json.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { toYaml } from '../../lib/yaml.js';
import { loadConfig } from '../../controller/config/load.js';
import type { Config } from '../../controller/config/schema.js';
import { ApiKeyStore } from '../../controller/http/auth/api-keys.js';
import { createLogger } from '../../controller/log/logger.js';
import { startController } from '../../controller/main.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { ScriptedMediaServer } from '../fakes/scripted-media-server.js';
import { cpuSeconds } from '../lab/proc-cpu.js';

const LIVE = Number(process.env.BENCH_LIVE_CALLS ?? 200);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

function load(spec: object): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(PROJECT_ROOT, 'dist', 'tools', 'bench', 'api-load.js'), JSON.stringify(spec)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as Record<string, unknown>)
        : reject(new Error(`load generator exited ${String(code)}`)),
    );
  });
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'hotline-bench-api-'));
  const routing = join(scratch, 'routing');
  cpSync(join(PROJECT_ROOT, 'dialplan', 'routing'), routing, { recursive: true });
  const doc = parse(readFileSync(join(routing, 'agents.yaml'), 'utf8')) as {
    agents: Record<string, unknown>[];
  };
  for (let i = 0; i < AGENTS; i++)
    doc.agents.push({
      id: `b${i}`,
      name: `Bench ${i}`,
      endpoint: `PJSIP/b${i}@agents-lab`,
      skills: { general: 2 },
    });
  writeFileSync(join(routing, 'agents.yaml'), toYaml(doc));
  const base = loadConfig({ env: process.env });
  const config: Config = {
    ...base,
    log: { ...base.log, level: 'warn' },
    redis: { ...base.redis, keyPrefix: `hotline-bench-api-${process.pid}:` },
    routing: { dir: routing },
    recordings: { ...base.recordings, enabled: false },
    api: {
      ...base.api,
      port: 18_700 + (process.pid % 100),
      tokenSecretFile: join(scratch, 'secret'),
      rateLimit: { perSecond: 1e6, burst: 1e6 },
    },
  };
  const controller = await startController(config, {
    log: createLogger({ level: 'warn', name: 'bench' }),
    mediaServers: false,
    // Calls in progress for the listing: each waits until it ends.
    flow: (call) =>
      new Promise((resolve) =>
        call.signal.addEventListener('abort', () => resolve('caller-hangup'), { once: true }),
      ),
  });
  const server = new ScriptedMediaServer();
  controller.runner.attach(server);
  server.start();
  for (let i = 0; i < LIVE; i++)
    server.injectCall({ calledNumber: '4009990000', callerNumber: `13800${String(100000 + i)}` });
  await new Promise((r) => setTimeout(r, 500));
  const key = (
    await new ApiKeyStore(controller.redis, config.redis.keyPrefix).create({
      name: 'bench',
      role: 'admin',
    })
  ).key;
  const url = `http://127.0.0.1:${String(controller.httpPort())}`;
  for (let i = 0; i < AGENTS; i++) await controller.routing.agents.change(`b${i}`, 'available');
  const cpu0 = await cpuSeconds(process.pid);
  const listing = await load({
    base: url,
    key,
    concurrency: CONCURRENCY,
    durationMs: SECONDS * 1000,
    plans: [[{ method: 'GET', path: '/v1/calls' }]],
  });
  const cpu1 = await cpuSeconds(process.pid);
  const plans = Array.from({ length: AGENTS }, (_, i) => [
    { method: 'POST', path: `/v1/agents/b${i}/pause`, body: { reason: 'bench' } },
    { method: 'POST', path: `/v1/agents/b${i}/resume` },
  ]);
  const changes = await load({
    base: url,
    key,
    concurrency: Math.min(CONCURRENCY, AGENTS),
    durationMs: SECONDS * 1000,
    plans,
  });
  const cpu2 = await cpuSeconds(process.pid);
  const cpuPerRequestMs = (from: number | undefined, to: number | undefined, n: unknown): number =>
    (((to ?? 0) - (from ?? 0)) * 1000) / Number(n);
  const result = {
    date: new Date().toISOString(),
    liveCalls: controller.runner.liveCalls().length,
    concurrency: CONCURRENCY,
    seconds: SECONDS,
    listing: {
      ...listing,
      controllerCpuMsPerRequest: cpuPerRequestMs(cpu0, cpu1, listing.requests),
    },
    agentStateChange: {
      ...changes,
      agents: AGENTS,
      controllerCpuMsPerRequest: cpuPerRequestMs(cpu1, cpu2, changes.requests),
    },
  };
  const fmt = (r: Record<string, unknown>): string =>
    `${Number(r.rps).toFixed(0)} req/s, p50 ${Number(r.p50Ms).toFixed(2)} ms, p99 ${Number(r.p99Ms).toFixed(2)} ms, statuses ${JSON.stringify(r.statuses)}, controller CPU ${Number(r.controllerCpuMsPerRequest).toFixed(3)} ms/request`;
  process.stdout.write(
    `GET /v1/calls (${result.liveCalls} live calls, ${CONCURRENCY} clients): ${fmt(result.listing)}\n`,
  );
  process.stdout.write(
    `agent pause/resume (${AGENTS} agents, real Redis): ${fmt(result.agentStateChange)}\n`,
  );
  const file = join(PROJECT_ROOT, 'bench', 'results', 'api.json');
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`saved ${file}\n`);
  for (const ch of server.channels.values()) await ch.hangup();
  const keys = await controller.redis.keys(`${config.redis.keyPrefix}*`);
  if (keys.length) await controller.redis.del(...keys);
  await controller.stop(2000);
  rmSync(scratch, { recursive: true, force: true });
}

await main();
