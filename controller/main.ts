import { serve, type ServerType } from '@hono/node-server';
import { Redis } from 'ioredis';
import { RedisCallRecordStore } from './calls/redis-store.js';
import type { CallRecord, CallRecordStore } from './calls/record.js';
import type { Config } from './config/schema.js';
import { EventHub } from './http/events.js';
import { ApiMetrics } from './http/metrics.js';
import { buildApi } from './http/server.js';
import { createLogger, safeUrl, type Logger } from './log/logger.js';
import { createMediaServer } from './media-server/create.js';
import type { MediaServer } from './media-server/types.js';
import { SessionRunner, type CallHandler } from './session/runner.js';
import { welcomeFlow } from './ivr/welcome-flow.js';
import { routingDir, RoutingDirectory } from './acd/directory.js';
import { ServiceHistory } from './acd/history.js';
import { RedisAgents } from './acd/redis-agents.js';
import { RoutingService } from './acd/service.js';
import { QueueStatistics } from './acd/stats.js';
import { CounterBatch } from './util/counter-batch.js';
import { WaitingLine } from './acd/waiting.js';
import { defaultFlowsDir, FlowDirectory } from './ivr/directory.js';
import { indexPrompts } from './ivr/prompt-index.js';
import { IvrRequests } from './ivr/requests.js';
import { callerHasher, loadCallerSecret } from './privacy/caller-hash.js';
import { voicemailAudioRemover, type EraseDeps } from './privacy/erase.js';
import type { IvrDeps } from './ivr/run-state.js';
import { IvrStats } from './ivr/stats.js';
import { warmSpeech } from './ivr/speech-warmup.js';
import { runFlow } from './ivr/engine.js';
import { resumeAdopted } from './acd/resume.js';
import { readCatalogue } from '../media/prompts.js';
import { PocketsphinxRecognizer } from '../media/speech/pocketsphinx.js';
import { RecordingCapture } from '../recordings/capture.js';
import type { RecordingsDeps } from '../recordings/deps.js';
import { recordingsFromConfig } from '../recordings/setup.js';
import { TieringWorker } from '../recordings/worker.js';

export interface Controller {
  readonly log: Logger;
  readonly servers: MediaServer[];
  readonly runner: SessionRunner;
  readonly store: CallRecordStore;
  readonly redis: Redis;
  readonly routing: RoutingService;
  readonly flows: FlowDirectory;
  readonly ivr: IvrDeps;
  /** What erasing a caller's data reaches (the API's `/v1/privacy/erase`, tests). */
  readonly privacy: EraseDeps;
  /** The recording lifecycle; absent when recording is off. */
  readonly recordings:
    | { deps: RecordingsDeps; capture: RecordingCapture; worker: TieringWorker | undefined }
    | undefined;
  /** The address the HTTP server listens on, once listening. */
  readonly httpPort: () => number | undefined;
  stop(drainMs?: number): Promise<void>;
}

export interface ControllerOptions {
  log?: Logger;
  flow?: CallHandler;
  /** false: no HTTP listener (tests that run several controllers). */
  http?: boolean;
  /** false: do not connect to media servers (a controller used only for its Redis-side services). */
  mediaServers?: boolean;
}

/** The composition root: every dependency is built here and passed down. */
export async function startController(
  config: Config,
  opts: ControllerOptions = {},
): Promise<Controller> {
  const promptIndex = indexPrompts(await readCatalogue());
  const log = opts.log ?? createLogger({ level: config.log.level, name: config.controller.name });
  // Auto-pipelining sends every command issued in one turn of the event loop in one write: at 50
  // calls a second that is the difference between hundreds of small writes and a few.
  const redis = new Redis(config.redis.url, {
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    enableAutoPipelining: true,
  });
  let redisReady = false;
  redis.on('ready', () => {
    redisReady = true;
    log.info({ redis: safeUrl(config.redis.url) }, 'redis ready');
  });
  redis.on('end', () => (redisReady = false));
  redis.on('close', () => (redisReady = false));
  redis.on('error', (err: Error) => log.debug({ err }, 'redis error'));
  const store = new RedisCallRecordStore(
    redis,
    config.redis.keyPrefix,
    config.redis.callRecordTtlSeconds,
  );
  // One secret, outside Redis, for every caller hash: records, history, requests, recordings.
  const callerSecret = await loadCallerSecret(config);
  const callerHash = callerHasher(callerSecret);
  const servers: MediaServer[] = config.mediaServers.map((s) => createMediaServer(s, log));
  const commandTimeoutMs = Math.max(...config.mediaServers.map((s) => s.commandTimeoutMs));
  // Changes to agents and queues (file reload or the API) rebuild the router in place.
  const routingRef: { current?: RoutingService } = {};
  const directory = new RoutingDirectory(routingDir(config), () =>
    routingRef.current?.reconfigure(),
  );
  const waiting = new WaitingLine(redis, config.redis.keyPrefix);
  // Queue and IVR figures are counted in process and written a few times a second.
  const counters = new CounterBatch(redis);
  const routing = new RoutingService(
    directory,
    new RedisAgents(redis, config.redis.keyPrefix),
    new ServiceHistory(
      redis,
      config.redis.keyPrefix,
      directory.config.historyHours * 3600,
      callerSecret,
    ),
    waiting,
    new QueueStatistics(redis, config.redis.keyPrefix, waiting, counters),
    redis.duplicate(),
    log.child({ component: 'routing' }),
  );
  routingRef.current = routing;
  // Agents' states load in the background: a Redis that is down must not hold up start-up.
  routing.start().catch((err: unknown) => log.warn({ err }, 'agent states not loaded'));
  const flows = new FlowDirectory(
    config.flows.dir || defaultFlowsDir(),
    () => ({ prompts: promptIndex, queues: new Set(routing.config.queues.map((q) => q.id)) }),
    log.child({ component: 'flows' }),
  );
  flows.reload();
  if (config.flows.watch) flows.watch();
  const ivrStats = new IvrStats(redis, config.redis.keyPrefix, counters);
  const requests = new IvrRequests(
    redis,
    config.redis.keyPrefix,
    config.flows.requestsRetentionDays * 86_400,
  );
  const ivr: IvrDeps = {
    routing,
    stats: ivrStats,
    requests,
    regionOf: (n) => routing.regionOf(n),
    transferEndpoint: config.flows.transferEndpoint,
    now: () => new Date(),
    speech:
      config.speech.engine === 'pocketsphinx'
        ? new PocketsphinxRecognizer({
            ...(config.speech.modelsDir ? { modelsDir: config.speech.modelsDir } : {}),
            log: log.child({ component: 'speech' }),
          })
        : undefined,
  };
  if (ivr.speech) void warmSpeech(flows.list(), ivr.speech, log.child({ component: 'speech' }));
  const recordings = config.recordings.enabled
    ? await startRecordings(config, redis, log, commandTimeoutMs)
    : undefined;
  const events = new EventHub();
  const metrics = new ApiMetrics();
  const onCallEvent = (type: 'started' | 'ended' | 'queued' | 'connected', r: CallRecord): void => {
    if (type === 'ended') metrics.calls.inc({ outcome: r.outcome ?? 'unknown' });
    const at = new Date().toISOString();
    if (type === 'queued')
      return events.publish({
        kind: 'queue',
        type: 'joined',
        queue: r.queue ?? '',
        callId: r.id,
        at,
      });
    // Leaving the line: answered, or the caller gone before an agent was.
    if (r.queue && (type === 'connected' || (type === 'ended' && !r.agentId)))
      events.publish({ kind: 'queue', type: 'left', queue: r.queue, callId: r.id, at });
    events.publish({
      kind: 'call',
      type,
      callId: r.id,
      at: new Date().toISOString(),
      calledNumber: r.calledNumber,
      agentId: r.agentId,
      queue: r.queue,
      outcome: r.outcome,
    });
  };
  routing.onAgentChange((agentId, state, since) =>
    events.publish({
      kind: 'agent',
      type: 'state',
      agentId,
      state,
      at: new Date(since).toISOString(),
    }),
  );
  // The call's path runs one way: the session gets the IVR and the ACD passed in, never imports them.
  const flowFor = (number: string): CallHandler | undefined => {
    const flow = flows.forNumber(number);
    return flow && ((call) => runFlow(call, flow, ivr));
  };
  const runner = new SessionRunner({
    config,
    log,
    store,
    flow: opts.flow ?? welcomeFlow,
    flowFor,
    adopt: resumeAdopted,
    commandTimeoutMs,
    routing,
    recordings: recordings?.capture,
    callerHash,
    onCallEvent,
  });
  const privacy: EraseDeps = {
    hash: callerHash,
    calls: store,
    history: routing.history,
    requests,
    removeVoicemailAudio: voicemailAudioRemover(config.mediaServers.map((s) => s.recordingsDir)),
    recordings: recordings?.deps,
    log: log.child({ component: 'privacy' }),
  };
  if (opts.mediaServers !== false) {
    for (const server of servers) {
      runner.attach(server);
      server.start();
    }
  }
  let http: ServerType | undefined;
  let port: number | undefined;
  if (opts.http !== false) {
    const { app } = await buildApi(config, {
      servers,
      runner,
      redis,
      store,
      redisReady: () => redisReady,
      routing,
      flows,
      recordings,
      ivrStats,
      events,
      metrics,
      privacy,
      log: log.child({ component: 'api' }),
    });
    http = await new Promise<ServerType>((resolve, reject) => {
      const server = serve(
        { fetch: app.fetch, hostname: config.api.host, port: config.api.port },
        (info) => {
          port = info.port;
          log.info({ host: config.api.host, port: info.port }, 'HTTP listening');
          resolve(server);
        },
      );
      server.once('error', reject);
    });
  }
  log.info({ mediaServers: servers.map((s) => s.id) }, 'controller started');
  return {
    log,
    servers,
    runner,
    store,
    redis,
    routing,
    flows,
    ivr,
    privacy,
    recordings,
    httpPort: () => port,
    async stop(drainMs = 10_000) {
      flows.close();
      await runner.drain(drainMs);
      await recordings?.worker?.stop();
      await recordings?.capture.drain(drainMs);
      await Promise.all(servers.map((s) => s.close()));
      await routing.stop();
      routing.closeSubscriber();
      await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
      await store.flush().catch((err: unknown) => log.warn({ err }, 'last call records not saved'));
      await counters
        .flush()
        .catch((err: unknown) => log.warn({ err }, 'last queue and IVR counts not saved'));
      redis.disconnect();
      log.info('controller stopped');
    },
  };
}

/** The recording lifecycle: capture for the sessions, and the tiering worker when it runs here. */
async function startRecordings(
  config: Config,
  redis: Redis,
  log: Logger,
  commandTimeoutMs: number,
): Promise<Controller['recordings']> {
  const rlog = log.child({ component: 'recordings' });
  const deps = await recordingsFromConfig(config.recordings, {
    redis,
    keyPrefix: config.redis.keyPrefix,
    mediaRecordingsDir: config.mediaServers[0]?.recordingsDir,
    log: rlog,
  });
  const capture = new RecordingCapture(deps, { commandTimeoutMs });
  const w = config.recordings.worker;
  const worker =
    w.mode === 'controller'
      ? new TieringWorker(deps, {
          intervalMs: w.intervalMinutes * 60_000,
          concurrency: w.concurrency,
          capture,
        })
      : undefined;
  worker?.start();
  return { deps, capture, worker };
}
