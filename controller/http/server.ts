import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { ApiKeyStore } from './auth/api-keys.js';
import { loadSecret } from './auth/secret-file.js';
import { TokenSigner } from './auth/tokens.js';
import { createApi } from './app.js';
import type { ApiDeps } from './deps.js';
import { EventHub } from './events.js';
import { ApiMetrics } from './metrics.js';
import type { Config } from '../config/schema.js';
import { ignored } from '../../lib/settle.js';

type Given = Omit<
  ApiDeps,
  | 'keys'
  | 'tokens'
  | 'events'
  | 'metrics'
  | 'limits'
  | 'version'
  | 'superviseEndpoints'
  | 'transferEndpoint'
> & { events: EventHub; metrics: ApiMetrics };

/** Builds the API's own parts (keys, tokens, gauges) around what the controller already has. */
export async function buildApi(
  config: Config,
  given: Given,
): Promise<{ app: Hono; deps: ApiDeps }> {
  const version = (
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const deps: ApiDeps = {
    ...given,
    keys: new ApiKeyStore(given.redis, config.redis.keyPrefix),
    tokens: new TokenSigner(await loadSecret(config.api.tokenSecretFile)),
    superviseEndpoints: new RegExp(config.api.superviseEndpoints),
    transferEndpoint: config.flows.transferEndpoint,
    limits: {
      bodyBytes: config.api.bodyBytes,
      perSecond: config.api.rateLimit.perSecond,
      burst: config.api.rateLimit.burst,
    },
    version,
  };
  registerGauges(deps);
  return { app: createApi(deps), deps };
}

/** Figures read at scrape time; a Redis that is away leaves its gauges out rather than failing the scrape. */
function registerGauges(deps: ApiDeps): void {
  const m = deps.metrics;
  m.gauge('hotline_live_calls', 'calls in progress on this controller', [], (set) =>
    set({}, deps.runner.liveCalls().length),
  );
  m.gauge(
    'hotline_media_server_ready',
    'media server connected (1) or not (0)',
    ['server'],
    (set) => {
      for (const s of deps.servers) set({ server: s.id }, s.status().ready ? 1 : 0);
    },
  );
  m.gauge('hotline_redis_ready', 'Redis connected (1) or not (0)', [], (set) =>
    set({}, deps.redisReady() ? 1 : 0),
  );
  m.gauge('hotline_agents', 'agents by state', ['state'], async (set) => {
    if (!deps.redisReady()) return;
    const states = await deps.routing.agents
      .statuses(deps.routing.config.agents.map((a) => a.id))
      .catch(ignored(deps.log, 'reading agent states for the gauges'));
    if (!states) return;
    const counts = new Map<string, number>();
    for (const a of deps.routing.config.agents) {
      const s = states.get(a.id)?.state ?? 'logged-out';
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    for (const [state, n] of counts) set({ state }, n);
  });
  m.gauge('hotline_queue_waiting', 'callers waiting per queue', ['queue'], async (set) => {
    if (!deps.redisReady()) return;
    for (const q of deps.routing.config.queues) {
      const s = await deps.routing.stats
        .get(q.id)
        .catch(ignored(deps.log, 'reading queue figures for the gauges'));
      if (s) set({ queue: q.id }, s.waiting);
    }
  });
  m.gauge('hotline_ivr_flows', 'IVR flows loaded', [], (set) => set({}, deps.flows.list().length));
  m.gauge(
    'hotline_ivr_today',
    "today's IVR figures per flow: calls, turns (sum), self-served",
    ['flow', 'figure'],
    async (set) => {
      if (!deps.ivrStats || !deps.redisReady()) return;
      for (const f of deps.flows.list()) {
        const s = await deps.ivrStats
          .read(f.flow)
          .catch(ignored(deps.log, 'reading IVR figures for the gauges'));
        for (const figure of ['calls', 'turns', 'selfServed'])
          if (s?.[figure] !== undefined) set({ flow: f.flow, figure }, s[figure]);
      }
    },
  );
  m.gauge('hotline_recordings', 'recordings per tier', ['tier'], async (set) => {
    if (!deps.recordings || !deps.redisReady()) return;
    const c = await deps.recordings.deps.catalogue
      .counts()
      .catch(ignored(deps.log, 'counting recordings for the gauges'));
    if (c) for (const [tier, n] of Object.entries(c)) set({ tier }, n);
  });
  m.gauge(
    'hotline_recordings_worker',
    'recording worker counters (moves, failures by code)',
    ['counter'],
    async (set) => {
      if (!deps.recordings || !deps.redisReady()) return;
      const c = await deps.recordings.deps.catalogue
        .counters()
        .catch(ignored(deps.log, 'reading recording worker counters for the gauges'));
      if (c) for (const [counter, n] of Object.entries(c)) set({ counter }, n);
    },
  );
}
