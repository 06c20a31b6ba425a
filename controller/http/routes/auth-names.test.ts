import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { apiRequester, testApiDeps, type TestApi } from '../../../test/fakes/api-deps.js';
import { createApi } from '../app.js';

let t: TestApi;
let app: Hono;
beforeAll(async () => {
  t = await testApiDeps();
  app = createApi(t.deps);
});
afterAll(() => t.cleanup());
const call = apiRequester(() => ({ app, t }), 'admin');

describe('API key names', () => {
  it('refuse control characters: 422, no key made', async () => {
    for (const name of [
      'wall\u0000board',
      'wall\u001b[2Jboard',
      'wallboard\n',
      'wall\u009bboard',
    ]) {
      expect(await call('POST', '/v1/keys', { body: { name, role: 'supervisor' } })).toMatchObject({
        status: 422,
        type: 'application/problem+json',
        body: { code: 'BODY_INVALID', errors: [{ path: 'name' }] },
      });
    }
    expect(await t.deps.keys.list()).toEqual([]);
    expect(
      (await call('POST', '/v1/keys', { body: { name: '大屏 wallboard', role: 'supervisor' } }))
        .status,
    ).toBe(201);
  });
});
