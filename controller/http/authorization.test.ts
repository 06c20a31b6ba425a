import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApiWithMedia, type TestApi } from '../../test/fakes/api-deps.js';
import { createApi } from './app.js';
import type { AnyRoute } from './route.js';
import { allRoutes } from './routes/index.js';

/** A concrete path for a route; agent paths name 1001 (the agent-self caller; agent-other is 1004). */
function pathFor(r: AnyRoute, agent: string): string {
  return r.path
    .replace(/^\/v1\/agents\/\{id\}/, `/v1/agents/${agent}`)
    .replace(/^\/v1\/queues\/\{id\}/, '/v1/queues/billing')
    .replace(/^\/v1\/calls\/\{id\}/, '/v1/calls/1700000000.42')
    .replace(/^\/v1\/recordings\/\{id\}/, '/v1/recordings/rec-none')
    .replace(/^\/v1\/keys\/\{id\}/, '/v1/keys/0123456789ab')
    .replace('{name}', 'hotline-en')
    .replace('{number}', '4008001234');
}

type Caller =
  | 'none'
  | 'garbage'
  | 'revoked-key'
  | 'expired-token'
  | 'agent-other'
  | 'agent-self'
  | 'supervisor-key'
  | 'supervisor'
  | 'admin-key'
  | 'admin';

/**
 * Every role against every endpoint: no credentials, garbage, a revoked key and an expired token
 * are 401; a role the endpoint does not list is 403; an agent naming another agent is 403;
 * everyone allowed gets past authorisation (never 401/403) and never a 5xx.
 */
describe('authorization matrix', () => {
  let t: TestApi;
  let app: ReturnType<typeof createApi>;
  const headers = new Map<Caller, Record<string, string>>();

  beforeAll(async () => {
    t = await testApiWithMedia();
    app = createApi(t.deps);
    const keys = t.deps.keys;
    const revoked = await keys.create({ name: 'old', role: 'admin' });
    await keys.revoke(revoked.info.id);
    headers.set('none', {});
    headers.set('garbage', { authorization: 'Bearer not.a.token' });
    headers.set('revoked-key', { 'x-api-key': revoked.key });
    headers.set('expired-token', {
      authorization: `Bearer ${t.deps.tokens.issue({ sub: 'x', role: 'admin' }, 60, Date.now() - 3600_000).token}`,
    });
    headers.set('agent-other', t.auth('agent', '1004'));
    headers.set('agent-self', t.auth('agent', '1001'));
    headers.set('supervisor-key', {
      'x-api-key': (await keys.create({ name: 'sup', role: 'supervisor' })).key,
    });
    headers.set('supervisor', t.auth('supervisor'));
    headers.set('admin-key', {
      'x-api-key': (await keys.create({ name: 'adm', role: 'admin' })).key,
    });
    headers.set('admin', t.auth('admin'));
  });
  afterAll(() => t.cleanup());

  const ORDER: Caller[] = [
    'none',
    'garbage',
    'revoked-key',
    'expired-token',
    'agent-other',
    'agent-self',
    'supervisor-key',
    'supervisor',
    'admin-key',
    'admin',
  ];

  it('answers every (endpoint, caller) pair as the roles say', async () => {
    const rows: string[] = [];
    const failures: string[] = [];
    // Destructive endpoints last, so the others see the shipped agents and queues.
    const routes = [...allRoutes].sort(
      (a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'),
    );
    for (const r of routes) {
      const cells: string[] = [];
      for (const who of ORDER) {
        const self = who === 'agent-self';
        const path = pathFor(r, '1001');
        const res = await app.request(path, {
          method: r.method.toUpperCase(),
          headers: {
            ...headers.get(who),
            ...(r.body ? { 'content-type': 'application/json' } : {}),
          },
          ...(r.body ? { body: '{}' } : {}),
        });
        if (r.path === '/v1/events' && res.body) await res.body.cancel();
        const role = who.startsWith('admin')
          ? 'admin'
          : who.startsWith('supervisor')
            ? 'supervisor'
            : who.startsWith('agent')
              ? 'agent'
              : undefined;
        let want: string;
        if (r.roles.length === 0) want = 'open';
        else if (!role) want = '401';
        else if (!r.roles.includes(role)) want = '403';
        else if (role === 'agent' && r.self && !self) want = '403';
        else want = 'open';
        const got = res.status;
        const ok = want === 'open' ? got !== 401 && got !== 403 && got < 500 : String(got) === want;
        if (!ok)
          failures.push(`${r.method.toUpperCase()} ${r.path} as ${who}: ${got}, expected ${want}`);
        // Every refusal is a problem document (readiness answers 503 with its own report).
        if (
          got >= 400 &&
          r.path !== '/readyz' &&
          !/application\/problem\+json/.test(res.headers.get('content-type') ?? '')
        )
          failures.push(
            `${r.method.toUpperCase()} ${r.path} as ${who}: ${got} is not a problem document`,
          );
        cells.push(String(got));
      }
      rows.push(
        `${(r.method.toUpperCase() + ' ' + r.path).padEnd(42)} ${cells.map((c) => c.padStart(4)).join('')}`,
      );
    }
    console.log(
      `${''.padEnd(42)} ${ORDER.map((o) => o.slice(0, 3).padStart(4)).join('')}\n${rows.join('\n')}`,
    );
    expect(failures).toEqual([]);
    expect(allRoutes.length).toBeGreaterThanOrEqual(35);
  }, 60_000);
});
