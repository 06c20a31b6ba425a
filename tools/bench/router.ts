/**
 * npm run bench:router — decision latency of the router with 1,000 / 5,000 / 20,000 agents and 50
 * queues: in process, and including the atomic reservation in Redis on loopback; plus decisions
 * per second of one controller. Prints a table and saves bench/results/router.json.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../../controller/config/load.js';
import { labPaths } from '../lab/paths.js';
import { startRedis } from '../lab/redis.js';
import type { AgentDef, QueueDef } from '../../controller/acd/model.js';
import { RedisAgents } from '../../controller/acd/redis-agents.js';
import { Router } from '../../controller/acd/router.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';

const QUEUES = 50;
const REGIONS = [
  'beijing',
  'shanghai',
  'guangdong',
  'sichuan',
  'zhejiang',
  'jiangsu',
  'hubei',
  'shandong',
];
let seed = 7;
const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

function world(agentCount: number): { agents: AgentDef[]; queues: QueueDef[] } {
  const queues: QueueDef[] = Array.from({ length: QUEUES }, (_, i) => ({
    id: `q${i}`,
    skill: `skill${i}`,
    strategy:
      process.env.BENCH_STRATEGY === 'idle'
        ? 'longest-idle'
        : i % 2 === 0
          ? 'weighted-round-robin'
          : 'longest-idle',
    steps: [{ minLevel: 3, timeoutSeconds: 15 }, { minLevel: 1 }],
    preferRegion: true,
  }));
  const agents: AgentDef[] = Array.from({ length: agentCount }, (_, i) => {
    const skills: Record<string, number> = {};
    for (let s = 0; s < 3; s++)
      skills[`skill${Math.floor(rnd() * QUEUES)}`] = 1 + Math.floor(rnd() * 5);
    return {
      id: `agent${i}`,
      name: `Agent ${i}`,
      endpoint: `PJSIP/agent${i}`,
      skills,
      regions: [pick(REGIONS)],
      languages: [],
      weight: 1 + Math.floor(rnd() * 3),
      position: i,
    };
  });
  return { agents, queues };
}

const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const us = (ns: number): number => Number((ns / 1000).toFixed(1));

async function main(): Promise<void> {
  const config = loadConfig({});
  await startRedis(labPaths(config.lab), config.lab.redisPort);
  const redis = new Redis(config.redis.url);
  const rows: Record<string, unknown>[] = [];
  const sizes = process.env.BENCH_AGENTS
    ? process.env.BENCH_AGENTS.split(',').map(Number)
    : [1000, 5000, 20000];
  for (const agentCount of sizes) {
    const { agents, queues } = world(agentCount);
    const router = new Router(agents, queues);
    agents.forEach((a, i) => router.update(a.id, 'available', { idleSince: i }));
    const request = () => ({
      queueId: `q${Math.floor(rnd() * QUEUES)}`,
      waitedMs: rnd() < 0.5 ? 0 : 20_000,
      region: pick(REGIONS),
    });
    // In process: warm up, collect the previous phase's garbage, then time each decision.
    for (let i = 0; i < 2000; i++) router.decide(request());
    (globalThis as { gc?: () => void }).gc?.();
    const inProc: number[] = [];
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 20000; i++) {
      const s = process.hrtime.bigint();
      router.decide(request());
      inProc.push(Number(process.hrtime.bigint() - s));
    }
    const perSecInProc = 20000 / (Number(process.hrtime.bigint() - t0) / 1e9);
    inProc.sort((a, b) => a - b);

    // With Redis: decide, reserve atomically, release (so the pool stays full).
    const prefix = `hotline-bench-${process.pid}:`;
    const store = new RedisAgents(redis, prefix);
    const pipe = redis.pipeline();
    for (const a of agents) pipe.hset(store.key(a.id), 'state', 'available', 'since', '0');
    await pipe.exec();
    const withRedis: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const s = process.hrtime.bigint();
      const d = router.decide(request());
      const id = randomUUID();
      const got = await store.reserveFirst(d.ranked, id, 5000);
      withRedis.push(Number(process.hrtime.bigint() - s));
      if (got) await store.settle(got, id, 'available');
    }
    withRedis.sort((a, b) => a - b);
    // Throughput of one controller: 64 decisions in flight at once.
    const tp0 = process.hrtime.bigint();
    let done = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (done < 20000) {
          done++;
          const d = router.decide(request());
          const id = randomUUID();
          const got = await store.reserveFirst(d.ranked, id, 5000);
          if (got) await store.settle(got, id, 'available');
        }
      }),
    );
    const perSecRedis = 20000 / (Number(process.hrtime.bigint() - tp0) / 1e9);
    const keys = await redis.keys(`${prefix}*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    rows.push({
      agents: agentCount,
      queues: QUEUES,
      inProcessUs: {
        p50: us(pct(inProc, 50)),
        p99: us(pct(inProc, 99)),
        max: us(inProc[inProc.length - 1] ?? 0),
      },
      withRedisUs: {
        p50: us(pct(withRedis, 50)),
        p99: us(pct(withRedis, 99)),
        max: us(withRedis[withRedis.length - 1] ?? 0),
      },
      decisionsPerSecond: {
        inProcess: Math.round(perSecInProc),
        withRedisReserveAndRelease: Math.round(perSecRedis),
      },
    });
  }
  redis.disconnect();
  const report = { at: new Date().toISOString(), node: process.version, rows };
  const dir = join(PROJECT_ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'router.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(
    'agents  in-process p50/p99 (µs)  +Redis reserve p50/p99 (µs)  ' +
      'decisions/s in process  decisions/s with Redis (reserve+release)\n',
  );
  for (const r of rows as {
    agents: number;
    inProcessUs: { p50: number; p99: number };
    withRedisUs: { p50: number; p99: number };
    decisionsPerSecond: { inProcess: number; withRedisReserveAndRelease: number };
  }[]) {
    process.stdout.write(
      `${String(r.agents).padStart(6)}  ${`${r.inProcessUs.p50} / ${r.inProcessUs.p99}`.padStart(22)}  ${`${r.withRedisUs.p50} / ${r.withRedisUs.p99}`.padStart(27)}  ${String(r.decisionsPerSecond.inProcess).padStart(22)}  ${String(r.decisionsPerSecond.withRedisReserveAndRelease).padStart(20)}\n`,
    );
  }
  process.stdout.write('saved bench/results/router.json\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
