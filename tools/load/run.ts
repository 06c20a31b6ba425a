import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  startLoadAgents,
  startLoadCallers,
  type LoadSipp,
  type LoadSippResult,
} from '../sipp/load-sipp.js';
import { RedisCallRecordStore } from '../../controller/calls/redis-store.js';
import type { Config } from '../../controller/config/schema.js';
import { asteriskPid, startAsterisk, stopAsterisk } from '../lab/asterisk.js';
import { labAsterisk } from '../../controller/config/servers.js';
import {
  controllerPid,
  startControllerProcess,
  stopControllerProcess,
} from '../lab/controller-process.js';
import type { LabPaths } from '../lab/paths.js';
import { redisPid } from '../lab/redis.js';
import { RedisAgents } from '../../controller/acd/redis-agents.js';
import type { StrategyName } from '../../controller/acd/strategies/types.js';
import { sleep } from '../../lib/wait.js';
import {
  APP_QUEUE_STRATEGY,
  extensionsLoadConf,
  queuesConf,
  type BaselineQueue,
} from './baseline.js';
import { LOAD_KEY_PREFIX, LOAD_REDIS_DB, writeHotlineFiles } from './hotline-files.js';
import {
  AGENT_PORT,
  BASELINE_CALLER_ADDRESS,
  loadAgents,
  phoneAddresses,
  pjsipLoadConf,
} from './lab-agents.js';
import {
  activeChannels,
  clearLoadFiles,
  endLeftoverCalls,
  endpointCount,
  installLoadFiles,
} from './lab-asterisk.js';
import { scrapeEventLoop } from './event-loop.js';
import type { LoadReport } from './report.js';
import { ProcessSampler } from './sampler.js';
import { callFigures, doubleBookings, matchSteps, percentiles } from './timings.js';

export interface LoadOptions {
  agents: number;
  addresses: number;
  cps: number;
  rampSeconds: number;
  calls: number;
  dtmf: string;
  talkSeconds: number;
  audio: boolean;
  strategy: StrategyName;
  record: boolean;
  logLevel: string;
  service: string;
  /** The controller's overload control (0: off), as an admin would set it for the machine. */
  maxCalls: number;
  maxNewPerSecond: number;
  /** The baseline's app_queue may ring agents already on a call (its own default). */
  ringInUse?: boolean;
  /** Folder for a CPU profile of the controller under test (Node's --cpu-prof), written when it stops. */
  profileDir?: string | undefined;
}

export interface LoadEnv {
  config: Config;
  configFile: string | undefined;
  paths: LabPaths;
  progress: (line: string) => void;
}

/** Asterisk's name for the sample flow's menu prompt, as Read() plays it in the baseline. */
const MENU_PROMPT = '/var/lib/hotline/prompts/en/menu-main';

/**
 * One load run against one system: the controller under test (`hotline`) or Asterisk's own
 * app_queue with no controller (`app_queue`). The lab (Asterisk, Redis) must be up; a running lab
 * controller is stopped for the run and started again after it.
 */
export async function runLoad(
  system: 'hotline' | 'app_queue',
  o: LoadOptions,
  env: LoadEnv,
): Promise<LoadReport> {
  const { paths, config } = env;
  const agents = loadAgents(o.agents, o.addresses);
  const queue: BaselineQueue = {
    strategy: o.strategy,
    noAnswerSeconds: 15,
    maxWaitSeconds: 120,
    announceEverySeconds: 30,
    ringInUse: o.ringInUse ?? false,
  };
  const busy = await activeChannels(paths);
  if (busy > 0)
    throw new Error(
      `the lab Asterisk has ${busy} channels up: a load run needs it to itself (wait, or \`hotline lab down\` and up)`,
    );
  const work = await mkdtemp(join(tmpdir(), 'hotline-load-'));
  const hadController = await controllerPid(paths);
  const readyUrl = `http://${config.api.host}:${config.api.port}/readyz`;
  const phones: LoadSipp[] = [];
  let callers: LoadSipp | undefined;
  try {
    if (hadController) await stopControllerProcess(paths);
    // Each system meets a freshly started Asterisk: nothing an earlier run left (memory, bridges) weighs on it.
    env.progress(`${system}: restarting the lab's Asterisk...`);
    await stopAsterisk(paths);
    await startAsterisk(paths, labAsterisk(config));
    env.progress(`${system}: writing ${agents.length} agents into the lab's Asterisk...`);
    await installLoadFiles(paths, {
      'pjsip_load.conf': pjsipLoadConf(agents),
      ...(system === 'app_queue'
        ? {
            'queues.conf': queuesConf(agents, queue),
            'extensions_load.conf': extensionsLoadConf(o.dtmf, MENU_PROMPT, queue),
          }
        : {}),
    });
    for (let i = 0; (await endpointCount(paths, 'load-')) < agents.length; i++) {
      if (i > 50) throw new Error('Asterisk did not load the generated agents (pjsip_load.conf)');
      await sleep(200);
    }
    const redisUrl = config.redis.url.replace(/(\/\d+)?$/, `/${LOAD_REDIS_DB}`);
    if (system === 'hotline') {
      const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
      try {
        await redis.connect();
        await redis.flushdb();
        const file = await writeHotlineFiles(work, {
          agents,
          queue,
          keys: o.dtmf,
          service: o.service,
          record: o.record,
          baseConfigFile: env.configFile,
          redisUrl: config.redis.url,
          logLevel: o.logLevel,
          overload: { maxCalls: o.maxCalls, maxNewPerSecond: o.maxNewPerSecond },
        });
        env.progress('hotline: starting the controller under test...');
        await startControllerProcess(
          paths,
          file,
          readyUrl,
          o.profileDir ? ['--cpu-prof', '--cpu-prof-dir', o.profileDir] : [],
        );
        // Logged in as an agent's phone client would: through the state machine in Redis.
        const states = new RedisAgents(redis, LOAD_KEY_PREFIX);
        for (const a of agents) await states.change(a.id, 'available');
      } finally {
        redis.disconnect();
      }
    }
    const placingSeconds = o.rampSeconds / 2 + o.calls / o.cps;
    const waitMs = (queue.maxWaitSeconds + queue.noAnswerSeconds + o.talkSeconds + 10) * 1000;
    const timeoutMs = (placingSeconds + waitMs / 1000 + 30) * 1000;
    for (const address of phoneAddresses(o.addresses)) {
      phones.push(
        startLoadAgents({
          localIp: address,
          port: AGENT_PORT,
          talkMs: o.talkSeconds * 1000,
          audio: o.audio,
          timeoutMs: timeoutMs + 30_000,
        }),
      );
    }
    await sleep(500);
    const dead = phones.findIndex((p) => p.exited());
    if (dead >= 0)
      throw new Error(
        `the agent phones on ${phoneAddresses(o.addresses)[dead]} did not start: ${(await phones[dead]!.done).stderr.trim().split('\n').pop() ?? ''}`,
      );
    const pids = {
      asterisk: await asteriskPid(paths),
      controller: await controllerPid(paths),
      redis: await redisPid(paths),
    };
    const sampler = new ProcessSampler(() => ({
      asterisk: [pids.asterisk],
      ...(system === 'hotline' ? { controller: [pids.controller] } : {}),
      redis: [pids.redis],
      'sipp-callers': [callers?.pid()],
      'sipp-phones': phones.map((p) => p.pid()),
    }));
    sampler.start(1000);
    const started = Date.now();
    const callIdPrefix = `load-${started.toString(36)}`;
    callers = startLoadCallers({
      target: '127.0.0.1:5060',
      localIp: system === 'hotline' ? '127.0.0.1' : BASELINE_CALLER_ADDRESS,
      service: o.service,
      callerPrefix: '139',
      dtmf: o.dtmf,
      rate: o.cps,
      rampSeconds: o.rampSeconds,
      calls: o.calls,
      waitMs,
      audio: o.audio,
      timeoutMs,
      callIdPrefix,
    });
    const loop: { p99: number; max: number }[] = [];
    let allPlacedAt: number | undefined;
    let tick = 0;
    const ticker = setInterval(() => {
      tick++;
      void (async () => {
        const s = await callers?.live();
        if (!s) return;
        if (allPlacedAt === undefined && (s['TotalCallCreated'] ?? 0) >= o.calls)
          allPlacedAt = Date.now();
        const cpu = sampler.latest();
        env.progress(
          `${system} ${Math.round((Date.now() - started) / 1000)}s: placed ${s['TotalCallCreated'] ?? 0}/${o.calls}, up ${s['CurrentCall'] ?? 0}, ended ok ${s['SuccessfulCall(C)'] ?? 0}, failed ${s['FailedCall(C)'] ?? 0} | CPU % machine ${sampler.latestMachine()}, ` +
            Object.entries(cpu)
              .map(([k, v]) => `${k} ${v}`)
              .join(', '),
        );
        if (system === 'hotline' && tick % 5 === 0) {
          const lag = await scrapeEventLoop(`http://${config.api.host}:${config.api.port}/metrics`);
          if (lag) loop.push(lag);
        }
      })().catch(() => undefined);
    }, 1000);
    let callerRun: LoadSippResult;
    try {
      callerRun = await callers.done;
    } finally {
      clearInterval(ticker);
    }
    const endedAt = Date.now();
    for (const p of phones) p.finish();
    const phoneRuns = await Promise.all(phones.map((p) => p.done));
    const leftover = await endLeftoverCalls(paths, 10_000);
    const usage = await sampler.stop({
      from: started + o.rampSeconds * 1000,
      to: allPlacedAt ?? endedAt,
    });
    const phoneLog = phoneRuns.flatMap((r) => r.log);
    const figures = callFigures(matchSteps(callerRun.log, phoneLog), o.talkSeconds * 1000);
    const g = usage.groups;
    const serverCpuPercent =
      (g['asterisk']?.cpuPercent.mean ?? 0) +
      (g['controller']?.cpuPercent.mean ?? 0) +
      (g['redis']?.cpuPercent.mean ?? 0);
    // Per call served: the rate of bridged calls, not of calls offered (refused ones cost little).
    const servedPerSecond = (o.cps * Math.max(1, figures.bridged)) / o.calls;
    return {
      system,
      at: new Date(started).toISOString(),
      parameters: {
        agents: o.agents,
        phoneAddresses: o.addresses,
        sessionAttemptRate: o.cps,
        rampSeconds: o.rampSeconds,
        sessionAttempts: o.calls,
        ivrPath: o.dtmf,
        talkSeconds: o.talkSeconds,
        media: o.audio
          ? 'G.711 A-law, 20 ms packets, from caller and agent (SIPp g711a.pcap)'
          : 'none after 200 ms of silence from the caller',
        strategy:
          system === 'hotline'
            ? o.strategy
            : `${o.strategy} (app_queue: ${APP_QUEUE_STRATEGY[o.strategy]}, ringinuse ${queue.ringInUse ? 'yes' : 'no'})`,
        record: o.record,
        maxCalls: o.maxCalls,
        maxNewPerSecond: o.maxNewPerSecond,
      },
      calls: {
        ...figures,
        failed: o.calls - figures.bridged,
        bridgedPercent: Math.round((10_000 * figures.bridged) / o.calls) / 100,
        doubleBooked: doubleBookings(phoneLog),
        peakStandingSessions: callerRun.peaks['CurrentCall'] ?? 0,
        ...(system === 'hotline'
          ? await controllerFigures(redisUrl, callerRun, o.calls, callIdPrefix)
          : {}),
      },
      leftoverChannels: leftover,
      usage,
      eventLoopMs: loop.length
        ? { p99: Math.max(...loop.map((l) => l.p99)), max: Math.max(...loop.map((l) => l.max)) }
        : undefined,
      serverCpuPercent,
      serverCpuMsPerCall: Math.round(((10 * serverCpuPercent) / servedPerSecond) * 10) / 10,
      wallSeconds: Math.round((endedAt - started) / 100) / 10,
    };
  } finally {
    callers?.finish();
    for (const p of phones) p.finish();
    if (system === 'hotline') await stopControllerProcess(paths);
    await endLeftoverCalls(paths, 0).catch(() => undefined);
    await clearLoadFiles(paths).catch(() => undefined);
    // Asterisk still busy hanging up after a collapse: a restart leaves the lab as it was found.
    if ((await activeChannels(paths).catch(() => 1)) > 0) {
      await stopAsterisk(paths).catch(() => undefined);
      await startAsterisk(paths, labAsterisk(config)).catch(() => undefined);
    }
    if (hadController)
      await startControllerProcess(paths, env.configFile, readyUrl).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

/** From the controller's call records: its own queue-to-ring times and how each call ended. */
async function controllerFigures(
  redisUrl: string,
  run: LoadSippResult,
  calls: number,
  prefix: string,
): Promise<{
  controllerQueueToRingMs: ReturnType<typeof percentiles>;
  outcomes: Record<string, number>;
}> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    const store = new RedisCallRecordStore(redis, LOAD_KEY_PREFIX, 3600);
    const toRing: number[] = [];
    const outcomes: Record<string, number> = {};
    for (let n = 1; n <= calls; n++) {
      const r = await store.findBySipCallId(`${prefix}-${n}-${run.pid}@127.0.0.1`);
      const outcome = r?.outcome ?? 'no record';
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      const at = (p: string): number | undefined =>
        r?.timeline.find((t) => t.what.startsWith(p))?.atMs;
      const q = at('queue ');
      const ring = at('ring ');
      if (q !== undefined && ring !== undefined) toRing.push(ring - q);
    }
    return { controllerQueueToRingMs: percentiles(toRing), outcomes };
  } finally {
    redis.disconnect();
  }
}
