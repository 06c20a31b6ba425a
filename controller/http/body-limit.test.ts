import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { testApiDeps, type TestApi } from '../../test/fakes/api-deps.js';
import { createApi } from './app.js';
import { json, route } from './route.js';

const LIMIT = 1024;
const CHUNK = 256;

/** A body cut short at the limit: the handler must never see it, whether or not it is chunked. */
describe('body limit on streamed bodies', () => {
  let t: TestApi;
  let app: ReturnType<typeof createApi>;
  const received = vi.fn();

  beforeAll(async () => {
    t = await testApiDeps({ limits: { bodyBytes: LIMIT, perSecond: 10_000, burst: 10_000 } });
    const upload = route({
      method: 'post',
      path: '/v1/upload',
      summary: 'Test upload',
      tag: 'test',
      roles: ['admin'],
      body: z.object({ data: z.string() }),
      responses: { 200: { description: 'received' } },
      handler: ({ c, body }) => {
        received(body.data.length);
        return json(c, 200, { length: body.data.length });
      },
    });
    app = createApi(t.deps, [upload]);
  });
  afterAll(() => t.cleanup());

  /** A JSON body in CHUNK-byte pieces, pulled one at a time; counts what was pulled. */
  function chunked(total: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
    const text = new TextEncoder().encode(JSON.stringify({ data: 'x'.repeat(total) }));
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (at >= text.length) return ctl.close();
        ctl.enqueue(text.subarray(at, at + CHUNK));
        at += CHUNK;
      },
    });
    return { body, pulled: () => Math.min(at, text.length) };
  }

  const headers = (): Record<string, string> => ({
    ...t.auth('admin'),
    'content-type': 'application/json',
    'transfer-encoding': 'chunked',
  });

  it('lets a chunked body under the limit through', async () => {
    const { body } = chunked(500);
    const res = await app.request('/v1/upload', {
      method: 'POST',
      headers: headers(),
      body,
      duplex: 'half',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ length: 500 });
  });

  it('refuses a chunked body over the limit with 413 after reading just past the limit', async () => {
    received.mockClear();
    const { body, pulled } = chunked(64 * 1024);
    const res = await app.request('/v1/upload', {
      method: 'POST',
      headers: headers(),
      body,
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
    expect(received).not.toHaveBeenCalled();
    // Stopped at the first chunk past the limit (the stream may have one more queued), not at 64 KiB.
    expect(pulled()).toBeLessThanOrEqual(LIMIT + 2 * CHUNK);
  });

  it('answers 413 over HTTP while the client is still sending its chunks', async () => {
    received.mockClear();
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const total = 400; // chunks of CHUNK bytes: 100 KiB, far over the limit
      let sent = 0;
      const answer = await new Promise<{ status: number; body: string; sentWhenAnswered: number }>(
        (resolve, reject) => {
          const req = httpRequest({
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/v1/upload',
            headers: headers(),
          });
          req.on('error', reject);
          req.on('response', (res) => {
            const sentWhenAnswered = sent;
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (body += d));
            res.on('end', () => {
              resolve({ status: res.statusCode ?? 0, body, sentWhenAnswered });
              req.destroy();
            });
          });
          req.write('{"data":"');
          const timer = setInterval(() => {
            if (req.destroyed || sent >= total) {
              clearInterval(timer);
              if (!req.destroyed) req.end('"}');
              return;
            }
            req.write('x'.repeat(CHUNK));
            sent++;
          }, 2);
        },
      );
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'BODY_TOO_LARGE' });
      expect(answer.sentWhenAnswered).toBeLessThan(total);
      expect(received).not.toHaveBeenCalled();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
