import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiRequester, testApiDeps, type TestApi } from '../../../test/fakes/api-deps.js';
import { ScriptedMediaServer } from '../../../tools/fakes/scripted-media-server.js';
import { loadConfig } from '../../config/load.js';
import type { SessionRunner } from '../../session/runner.js';
import { createApi } from '../app.js';
import type { ApiKeyInfo } from '../auth/api-keys.js';
import type { Role } from '../auth/principal.js';
import { buildApi } from '../server.js';
import { allRoutes } from './index.js';

let t: TestApi;
let app: Hono;
let server: ScriptedMediaServer;

beforeEach(async () => {
  server = new ScriptedMediaServer();
  server.start();
  t = await testApiDeps({
    servers: [server],
    runner: { liveCalls: () => [], liveCall: () => undefined } as unknown as SessionRunner,
  });
  app = createApi(t.deps);
});
afterEach(() => t.cleanup());

/** A JSON request; `as` a role's bearer token (default admin), or explicit headers (null: none). */
const call = apiRequester(() => ({ app, t }), 'admin');

const PROBLEM = 'application/problem+json';

describe('health', () => {
  it('GET /healthz answers ok with no credentials', async () => {
    expect(await call('GET', '/healthz', { as: null })).toMatchObject({
      status: 200,
      body: { status: 'ok', liveCalls: 0 },
    });
  });

  it('GET /readyz is 200 with Redis and a started media server', async () => {
    const r = await call('GET', '/readyz', { as: null });
    expect(r).toMatchObject({
      status: 200,
      body: {
        ready: true,
        redis: true,
        mediaServers: [{ id: 'scripted', kind: 'asterisk', ready: true }],
      },
    });
    expect(r.body).not.toHaveProperty('reasons');
  });

  it('GET /readyz is 503 with the reasons when Redis is away or no media server is ready', async () => {
    t.deps.redisReady = () => false;
    expect(await call('GET', '/readyz', { as: null })).toMatchObject({
      status: 503,
      body: { ready: false, redis: false, reasons: ['Redis is unreachable'] },
    });
    t.deps.redisReady = () => true;
    await server.close();
    expect(await call('GET', '/readyz', { as: null })).toMatchObject({
      status: 503,
      body: {
        ready: false,
        redis: true,
        mediaServers: [{ ready: false, reason: 'closed' }],
        reasons: ['no media server is connected'],
      },
    });
    t.deps.servers = [];
    expect(await call('GET', '/readyz', { as: null })).toMatchObject({
      status: 503,
      body: { mediaServers: [], reasons: ['no media server is connected'] },
    });
  });

  it('GET /metrics exposes the API counters and, as the controller builds it, the live-call gauge', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-api-secret-'));
    try {
      const base = loadConfig({ env: {} });
      const built = await buildApi(
        { ...base, api: { ...base.api, tokenSecretFile: join(dir, 'secret') } },
        t.deps,
      );
      expect((await built.app.request('/healthz')).status).toBe(200);
      const res = await built.app.request('/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(text).toContain(
        'hotline_api_requests_total{route="/healthz",method="get",status="200"} 1',
      );
      expect(text).toMatch(/^hotline_live_calls 0$/m);
      // Node's process figures, which `hotline load` reads the event-loop delay from.
      expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
      expect(text).toMatch(/^process_resident_memory_bytes \d/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('/openapi.json and /docs', () => {
  it('documents every route under paths, with the problem schema', async () => {
    const r = await call('GET', '/openapi.json', { as: null });
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe('3.1.0');
    const paths = r.body.paths as Record<
      string,
      Record<string, { summary: string; responses: Record<string, unknown> }>
    >;
    const missing = allRoutes
      .filter((route) => !paths[route.path]?.[route.method])
      .map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
    expect(Object.values(paths).reduce((n, ops) => n + Object.keys(ops).length, 0)).toBe(
      allRoutes.length,
    );
    expect(paths['/v1/calls/{id}/hangup']?.post?.responses['404']).toMatchObject({
      content: { [PROBLEM]: { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    const problem = (
      r.body.components as {
        schemas: { Problem: { properties: Record<string, unknown>; required: string[] } };
      }
    ).schemas.Problem;
    expect(Object.keys(problem.properties)).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'code', 'detail']),
    );
    expect(problem.required).toEqual(expect.arrayContaining(['code', 'status']));
  });

  it('GET /docs is an HTML page naming every path', async () => {
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(
      allRoutes.filter((r) => !html.includes(`<code>${r.path}</code>`)).map((r) => r.path),
    ).toEqual([]);
  });
});

describe('POST /v1/tokens', () => {
  it('issues a supervisor its own token, which then works', async () => {
    const r = await call('POST', '/v1/tokens', { as: 'supervisor', body: {} });
    expect(r).toMatchObject({
      status: 201,
      body: { role: 'supervisor', token: expect.any(String) as string },
    });
    expect(Date.parse(r.body.expiresAt as string) - Date.now()).toBeGreaterThan(11 * 3600_000);
    const bearer = { authorization: `Bearer ${r.body.token as string}` };
    expect(await call('GET', '/v1/agents', { as: bearer })).toMatchObject({ status: 200 });
    expect(
      await call('POST', '/v1/keys', { as: bearer, body: { name: 'x', role: 'admin' } }),
    ).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  });

  it('lets an admin issue an agent token, bound to that agent', async () => {
    const r = await call('POST', '/v1/tokens', {
      body: { role: 'agent', agentId: '1001', ttlSeconds: 600 },
    });
    expect(r).toMatchObject({ status: 201, body: { role: 'agent' } });
    const bearer = { authorization: `Bearer ${r.body.token as string}` };
    expect(await call('GET', '/v1/agents/1001', { as: bearer })).toMatchObject({
      status: 200,
      body: { id: '1001', state: 'logged-out' },
    });
    expect(await call('GET', '/v1/agents/1002', { as: bearer })).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
  });

  it(
    'refuses another role, an agent token without agent, ' +
      'an unknown agent, a bad body and no credentials',
    async () => {
      const cases: [Role, unknown, number, string][] = [
        ['supervisor', { role: 'admin' }, 403, 'FORBIDDEN'],
        ['supervisor', { agentId: '1001' }, 403, 'FORBIDDEN'],
        ['agent', { role: 'agent', agentId: '1002' }, 403, 'FORBIDDEN'],
        ['admin', { role: 'agent' }, 400, 'BODY_INVALID'],
        ['admin', { role: 'agent', agentId: '9999' }, 404, 'AGENT_NOT_FOUND'],
        ['admin', { ttlSeconds: 5 }, 400, 'BODY_INVALID'],
        ['admin', { role: 'root' }, 400, 'BODY_INVALID'],
      ];
      for (const [as, body, status, code] of cases) {
        const r = await call('POST', '/v1/tokens', {
          as: as === 'agent' ? t.auth('agent', '1001') : as,
          body,
        });
        expect({ as, body, status: r.status, type: r.type, code: r.body.code }).toEqual({
          as,
          body,
          status,
          type: PROBLEM,
          code,
        });
      }
      expect(await call('POST', '/v1/tokens', { as: null, body: {} })).toMatchObject({
        status: 401,
        body: { code: 'UNAUTHENTICATED' },
      });
    },
  );
});

describe('/v1/keys', () => {
  const KEY = /^hk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

  it('creates a key shown once, which authenticates with X-API-Key', async () => {
    const r = await call('POST', '/v1/keys', { body: { name: 'wallboard', role: 'supervisor' } });
    expect(r.status).toBe(201);
    const key = r.body.key as string;
    const [, id] = KEY.exec(key) ?? [];
    expect(id).toBeDefined();
    expect(r.body.info).toEqual({
      id,
      name: 'wallboard',
      role: 'supervisor',
      createdAt: expect.any(String) as string,
    });
    expect(await call('GET', '/v1/agents', { as: { 'x-api-key': key } })).toMatchObject({
      status: 200,
    });
    expect(await call('GET', '/v1/keys', { as: { 'x-api-key': key } })).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    const agentKey = await call('POST', '/v1/keys', {
      body: { name: 'desk', role: 'agent', agentId: '1003' },
    });
    expect(agentKey).toMatchObject({
      status: 201,
      body: { info: { role: 'agent', agentId: '1003' } },
    });
    expect(
      await call('GET', '/v1/agents/1003', { as: { 'x-api-key': agentKey.body.key as string } }),
    ).toMatchObject({ status: 200, body: { id: '1003' } });
  });

  it('lists keys without their secrets', async () => {
    const made = await call('POST', '/v1/keys', { body: { name: 'ci', role: 'admin' } });
    const secret = (made.body.key as string).slice(16);
    const r = await call('GET', '/v1/keys');
    expect(r.status).toBe(200);
    const keys = r.body.keys as ApiKeyInfo[];
    expect(keys).toEqual([made.body.info]);
    expect(JSON.stringify(r.body)).not.toContain(secret);
    expect(keys[0]).not.toHaveProperty('hash');
    expect(keys[0]).not.toHaveProperty('key');
  });

  it('revokes a key: refused from then on, listed with revokedAt', async () => {
    const made = await call('POST', '/v1/keys', { body: { name: 'old', role: 'supervisor' } });
    const info = made.body.info as ApiKeyInfo;
    expect(await call('DELETE', `/v1/keys/${info.id}`)).toMatchObject({
      status: 200,
      body: { id: info.id, revoked: true },
    });
    expect(
      await call('GET', '/v1/agents', { as: { 'x-api-key': made.body.key as string } }),
    ).toMatchObject({ status: 401, type: PROBLEM, body: { code: 'UNAUTHENTICATED' } });
    expect((await call('GET', '/v1/keys')).body.keys).toEqual([
      { ...info, revokedAt: expect.any(String) as string },
    ]);
  });

  it('refuses an unknown key id, a malformed one, bad bodies and an unknown agent', async () => {
    expect(await call('DELETE', '/v1/keys/0123456789ab')).toMatchObject({
      status: 404,
      type: PROBLEM,
      body: { code: 'NOT_FOUND' },
    });
    expect(await call('DELETE', '/v1/keys/not-a-key')).toMatchObject({
      status: 404,
      type: PROBLEM,
      body: { code: 'PARAMS_INVALID' },
    });
    expect(await call('POST', '/v1/keys', { body: { name: 'x', role: 'agent' } })).toMatchObject({
      status: 400,
      body: { code: 'BODY_INVALID' },
    });
    expect(await call('POST', '/v1/keys', { body: { name: '', role: 'admin' } })).toMatchObject({
      status: 400,
      body: { code: 'BODY_INVALID' },
    });
    expect(
      await call('POST', '/v1/keys', { body: { name: 'x', role: 'agent', agentId: '9999' } }),
    ).toMatchObject({ status: 404, body: { code: 'AGENT_NOT_FOUND' } });
    expect((await call('GET', '/v1/keys')).body.keys).toEqual([]);
  });

  it('answers 503 while Redis is away', async () => {
    t.deps.redisReady = () => false;
    expect(await call('GET', '/v1/keys')).toMatchObject({
      status: 503,
      body: { code: 'REDIS_UNAVAILABLE' },
    });
    expect(await call('POST', '/v1/keys', { body: { name: 'x', role: 'admin' } })).toMatchObject({
      status: 503,
      body: { code: 'REDIS_UNAVAILABLE' },
    });
  });
});
