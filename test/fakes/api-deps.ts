import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { expect } from 'vitest';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { readCatalogue } from '../../media/prompts.js';
import { MemoryCallRecordStore } from '../../controller/calls/record.js';
import type { Role } from '../../controller/http/auth/principal.js';
import type { ApiKeyInfo, ApiKeyStore } from '../../controller/http/auth/api-keys.js';
import { TokenSigner } from '../../controller/http/auth/tokens.js';
import type { ApiDeps } from '../../controller/http/deps.js';
import { EventHub } from '../../controller/http/events.js';
import { ApiMetrics } from '../../controller/http/metrics.js';
import { FlowDirectory } from '../../controller/ivr/directory.js';
import { indexPrompts } from '../../controller/ivr/prompt-index.js';
import { createLogger } from '../../controller/log/logger.js';
import { transition, type AgentState, type AgentStatus } from '../../controller/acd/agent-state.js';
import { RoutingDirectory } from '../../controller/acd/directory.js';
import type { ServiceHistory } from '../../controller/acd/history.js';
import type { RedisAgents } from '../../controller/acd/redis-agents.js';
import { RoutingService } from '../../controller/acd/service.js';
import type { QueueStatistics, QueueStats } from '../../controller/acd/stats.js';
import type { WaitingLine } from '../../controller/acd/waiting.js';
import type { SessionRunner } from '../../controller/session/runner.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { RecordingCapture } from '../../recordings/capture.js';
import { memoryRecordings } from './recordings.js';
import { ScriptedMediaServer } from '../../tools/fakes/scripted-media-server.js';

export interface TestApi {
  deps: ApiDeps;
  /** Temporary copies of dialplan/routing and dialplan/flows the directories serve (and the API writes). */
  routingDir: string;
  flowsDir: string;
  /** Agents' live states, as Redis would give them (absent: no record). */
  agentStates: Map<string, AgentStatus>;
  /** Today's figures per queue; anything not set reads as zero. */
  queueStats: Map<string, Partial<QueueStats>>;
  /** Headers with a real bearer token for the role. */
  auth(role: Role, agentId?: string): Record<string, string>;
  cleanup(): void;
}

const SECRET = Buffer.from('unit-test-secret-unit-test-secret');

/** Only what the control API reads from outside systems is faked; stubs throw on anything else. */
function stub<T>(name: string, methods: Partial<Record<string, unknown>>): T {
  return new Proxy(methods, {
    get(target, prop) {
      if (typeof prop === 'string' && prop in target) return target[prop];
      if (prop === 'then') return undefined;
      throw new Error(`[test] ${name}.${String(prop)} is not faked`);
    },
  }) as T;
}

function zeroStats(queue: string, given: Partial<QueueStats> | undefined): QueueStats {
  const base: QueueStats = {
    queue,
    day: new Date().toISOString().slice(0, 10),
    waiting: 0,
    longestWaitSeconds: 0,
    offered: 0,
    answered: 0,
    abandoned: 0,
    serviceLevel: null,
    serviceLevel2: null,
    averageSpeedOfAnswerSeconds: null,
    abandonmentRate: null,
    averageHandleTimeSeconds: null,
  };
  return { ...base, ...given, queue };
}

/**
 * ApiDeps for unit tests: real routing and flow directories over temporary copies of the shipped
 * files, a real token signer, and stubs for Redis-backed pieces (agent states, queue statistics).
 * Redis counts as up; API keys live in memory (`deps.keys`), or authenticate with `auth(role)`.
 */
export async function testApiDeps(overrides: Partial<ApiDeps> = {}): Promise<TestApi> {
  const routingDir = mkdtempSync(join(tmpdir(), 'hotline-api-routing-'));
  const flowsDir = mkdtempSync(join(tmpdir(), 'hotline-api-flows-'));
  cpSync(join(PROJECT_ROOT, 'dialplan', 'routing'), routingDir, { recursive: true });
  cpSync(join(PROJECT_ROOT, 'dialplan', 'flows'), flowsDir, { recursive: true });
  const log = createLogger({ level: 'silent', name: 'test' });
  const agentStates = new Map<string, AgentStatus>();
  const queueStats = new Map<string, Partial<QueueStats>>();

  const agents = stub<RedisAgents>('agents', {
    status: async (id: string) => agentStates.get(id),
    statuses: async (ids: readonly string[]) =>
      new Map(ids.map((id) => [id, agentStates.get(id) ?? { state: 'logged-out', since: 0 }])),
    // The real state machine, over the map: an illegal change is the same typed error as in Redis.
    change: async (id: string, to: AgentState, reason?: string) => {
      const now = Date.now();
      const { status } = transition(
        id,
        agentStates.get(id) ?? { state: 'logged-out', since: 0 },
        to,
        now,
        reason,
      );
      agentStates.set(id, status);
      return status;
    },
  });
  const stats = stub<QueueStatistics>('stats', {
    get: async (id: string) => zeroStats(id, queueStats.get(id)),
  });
  const waiting = stub<WaitingLine>('waiting', {
    length: async (id: string) => queueStats.get(id)?.waiting ?? 0,
  });
  const subscriber = stub<Redis>('subscriber', { on: () => undefined });
  const routing = new RoutingService(
    new RoutingDirectory(routingDir),
    agents,
    stub<ServiceHistory>('history', {}),
    waiting,
    stats,
    subscriber,
    log,
  );

  const prompts = indexPrompts(await readCatalogue());
  const flows = new FlowDirectory(
    flowsDir,
    () => ({ prompts, queues: new Set(routing.config.queues.map((q) => q.id)) }),
    log,
  );
  flows.reload();

  const tokens = new TokenSigner(SECRET);
  const deps: ApiDeps = {
    servers: [],
    runner: stub<SessionRunner>('runner', { liveCalls: () => [] }),
    redis: stub<Redis>('redis', {}),
    store: new MemoryCallRecordStore(),
    redisReady: () => true,
    routing,
    flows,
    recordings: undefined,
    keys: memoryKeys() as unknown as ApiKeyStore,
    tokens,
    events: new EventHub(),
    metrics: new ApiMetrics(),
    log,
    limits: { bodyBytes: 1024 * 1024, perSecond: 10_000, burst: 10_000 },
    transferEndpoint: 'PJSIP/{number}@carrier',
    superviseEndpoints: /^PJSIP\/[A-Za-z0-9_.-]{1,40}@agents-[A-Za-z0-9_-]{1,40}$/,
    version: 'test',
    ...overrides,
  };
  return {
    deps,
    routingDir,
    flowsDir,
    agentStates,
    queueStats,
    auth: (role, agentId) => ({
      authorization: `Bearer ${tokens.issue({ sub: `test-${role}`, role, agentId }, 600).token}`,
    }),
    cleanup: () => {
      flows.close();
      rmSync(routingDir, { recursive: true, force: true });
      rmSync(flowsDir, { recursive: true, force: true });
    },
  };
}

/** API keys in memory, with the real key format and revocation (the Redis store is tested in the lab). */
export function memoryKeys(): Pick<ApiKeyStore, 'create' | 'revoke' | 'list' | 'verify'> {
  const keys = new Map<string, { secret: string; info: ApiKeyInfo }>();
  return {
    create: async (opts) => {
      const id = randomBytes(6).toString('hex');
      const secret = randomBytes(32).toString('base64url');
      const info: ApiKeyInfo = {
        id,
        name: opts.name,
        role: opts.role,
        ...(opts.agentId ? { agentId: opts.agentId } : {}),
        createdAt: new Date().toISOString(),
      };
      keys.set(id, { secret, info });
      return { key: `hk_${id}_${secret}`, info };
    },
    revoke: async (id) => {
      const k = keys.get(id);
      if (!k) return false;
      k.info.revokedAt ??= new Date().toISOString();
      return true;
    },
    list: async () => [...keys.values()].map((k) => k.info),
    verify: async (presented) => {
      const m = /^hk_([0-9a-f]{12})_(.+)$/.exec(presented);
      const k = m ? keys.get(m[1] as string) : undefined;
      if (!k || k.secret !== m?.[2] || k.info.revokedAt) return undefined;
      return { id: k.info.id, role: k.info.role, agentId: k.info.agentId, via: 'key' };
    },
  };
}

/** A JSON answer: status, media type and parsed body. */
export interface Answer {
  status: number;
  type: string | null;
  body: Record<string, unknown>;
}

/**
 * Requests for route tests: `as` a role (a real token for it, `agent` naming the agent), as given
 * headers, or with no credentials (`null`); a body is sent as JSON. `get` reads the test's current
 * app and deps (built in beforeEach or beforeAll).
 */
export function apiRequester(get: () => { app: Hono; t: TestApi }, defaultRole: Role) {
  return async (
    method: string,
    path: string,
    opts: {
      as?: Role | Record<string, string> | null;
      agent?: string;
      body?: unknown;
      api?: Hono;
    } = {},
  ): Promise<Answer> => {
    const { app, t } = get();
    const headers: Record<string, string> =
      opts.as === null
        ? {}
        : typeof opts.as === 'object'
          ? { ...opts.as }
          : t.auth(opts.as ?? defaultRole, opts.agent);
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await (opts.api ?? app).request(path, {
      method,
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: (await res.json()) as Record<string, unknown>,
    };
  };
}

/** What a refusal looks like: a problem document with this status and code. */
export const refused = (status: number, code: string): Partial<Answer> => ({
  status,
  type: 'application/problem+json',
  body: expect.objectContaining({ status, code }) as Record<string, unknown>,
});

/** Deps with a started scripted media server, recordings in memory and no live calls. */
export async function testApiWithMedia(overrides: Partial<ApiDeps> = {}): Promise<TestApi> {
  const rec = memoryRecordings();
  const server = new ScriptedMediaServer();
  server.start();
  return testApiDeps({
    servers: [server],
    recordings: { deps: rec, capture: new RecordingCapture(rec, { commandTimeoutMs: 1000 }) },
    runner: stub<SessionRunner>('runner', { liveCalls: () => [], liveCall: () => undefined }),
    ...overrides,
  });
}
