import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApiDeps, type TestApi } from '../../test/fakes/api-deps.js';
import { createApi } from './app.js';

/** What every endpoint shares: request ids, rate limits, body rules, unknown paths and methods, 503s. */
describe('API edges', () => {
  let t: TestApi;
  let app: ReturnType<typeof createApi>;
  let redisUp = true;

  beforeAll(async () => {
    t = await testApiDeps({
      limits: { bodyBytes: 1024, perSecond: 10_000, burst: 10_000 },
      redisReady: () => redisUp,
    });
    app = createApi(t.deps);
  });
  afterAll(() => t.cleanup());

  const problem = async (res: Response): Promise<Record<string, unknown>> => {
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    return (await res.json()) as Record<string, unknown>;
  };

  it('gives every response a request id, keeping a safe one the client sent', async () => {
    const mine = await app.request('/healthz', { headers: { 'x-request-id': 'req-42.a' } });
    expect(mine.headers.get('x-request-id')).toBe('req-42.a');
    const generated = await app.request('/healthz', {
      headers: { 'x-request-id': 'not safe: spaces and a colon' },
    });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('limits each credential to its rate, with Retry-After, and not the others', async () => {
    // An app of its own with a tiny limit: 3 at once, then 2 a second.
    const app = createApi({ ...t.deps, limits: { bodyBytes: 1024, perSecond: 2, burst: 3 } });
    const a = t.auth('admin');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await app.request('/v1/flows', { headers: a })).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    const limited = await app.request('/v1/flows', { headers: a });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await problem(limited)).code).toBe('RATE_LIMITED');
    expect((await app.request('/v1/flows', { headers: t.auth('supervisor') })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await app.request('/v1/flows', { headers: a })).status).toBe(200);
  });

  it('refuses bodies that are too large, not JSON, or broken JSON, with their own codes', async () => {
    const h = { ...t.auth('supervisor'), 'content-type': 'application/json' };
    const big = await app.request('/v1/agents/1001/pause', {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ reason: 'x'.repeat(5000) }),
    });
    expect(big.status).toBe(413);
    expect((await problem(big)).code).toBe('BODY_TOO_LARGE');
    const text = await app.request('/v1/agents/1001/pause', {
      method: 'POST',
      headers: { ...t.auth('supervisor'), 'content-type': 'text/plain' },
      body: 'lunch',
    });
    expect((await problem(text)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const broken = await app.request('/v1/agents/1001/pause', {
      method: 'POST',
      headers: h,
      body: '{"reason":',
    });
    expect(broken.status).toBe(400);
    expect((await problem(broken)).code).toBe('JSON_INVALID');
    const unknown = await app.request('/v1/agents/1001/pause', {
      method: 'POST',
      headers: h,
      body: JSON.stringify({ reason: 'lunch', extra: 1 }),
    });
    const body = await problem(unknown);
    expect(body).toMatchObject({ status: 400, code: 'BODY_INVALID' });
    expect(JSON.stringify(body.errors)).toContain('extra');
  });

  it('answers unknown paths 404 and wrong methods 405 with Allow', async () => {
    const nf = await app.request('/v1/nothing-here');
    expect(nf.status).toBe(404);
    expect((await problem(nf)).code).toBe('NOT_FOUND');
    const na = await app.request('/v1/agents/1001/login', {
      method: 'GET',
      headers: t.auth('admin'),
    });
    expect(na.status).toBe(405);
    expect(na.headers.get('allow')).toBe('POST');
    expect((await problem(na)).code).toBe('METHOD_NOT_ALLOWED');
  });

  it('says 503 with the reason when Redis is away', async () => {
    redisUp = false;
    try {
      const res = await app.request('/v1/agents', { headers: t.auth('supervisor') });
      expect(res.status).toBe(503);
      expect(await problem(res)).toMatchObject({
        code: 'REDIS_UNAVAILABLE',
        detail: expect.stringContaining('Redis') as unknown,
      });
    } finally {
      redisUp = true;
    }
  });
});
