import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApiWithMedia, type TestApi } from '../../test/fakes/api-deps.js';
import { createApi } from './app.js';
import { allRoutes } from './routes/index.js';

/** A small deterministic generator (mulberry32): the same requests on every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [
  "' OR 1=1 --",
  '"; DROP TABLE agents; --',
  '../../../etc/passwd',
  '%2e%2e%2f%2e%2e%2f',
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '\u0000',
  '\u202e\u0041\u0042',
  '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'ｆｕｌｌｗｉｄｔｈ',
  '\ud800',
  'a'.repeat(5000),
  '-1',
  '1e309',
  'NaN',
  'null',
  '__proto__',
  'constructor',
  '1001\n',
  '  1001',
  '4008001234;rm -rf /',
];

/** Header values must be printable ASCII (fetch refuses others before we see them). */
const HEADER_SAFE = NASTY.filter((x) => [...x].every((ch) => ch >= ' ' && ch <= '~'));

function pick<T>(r: () => number, list: readonly T[]): T {
  return list[Math.floor(r() * list.length)] as T;
}

/** A JSON value of random shape: wrong types, missing and unknown fields, deep nesting. */
function value(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 3 ? 6 : 9));
  switch (k) {
    case 0:
      return pick(r, NASTY);
    case 1:
      return Math.floor(r() * 2 ** 40) * (r() < 0.5 ? -1 : 1);
    case 2:
      return r() < 0.5;
    case 3:
      return null;
    case 4:
      return r() * 1e300;
    case 5:
      return '';
    case 6:
      return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const keys = [
        'id',
        'name',
        'role',
        'agentId',
        'digits',
        'hold',
        'reason',
        'yaml',
        'skills',
        'endpoint',
        'strategy',
        'ttlSeconds',
        '__proto__',
        'constructor',
        pick(r, NASTY),
      ];
      for (let i = 0; i < 1 + Math.floor(r() * 4); i++) o[pick(r, keys)] = value(r, depth + 1);
      return o;
    }
  }
}

function body(r: () => number): string | undefined {
  const k = r();
  if (k < 0.1) return undefined;
  if (k < 0.2) return '{"unterminated": ';
  if (k < 0.25) return 'x'.repeat(70_000);
  if (k < 0.3) return '\u0000\u0001\u0002';
  if (k < 0.35) return '['.repeat(5000) + ']'.repeat(5000);
  return JSON.stringify(value(r));
}

/** Percent-encoded; a lone surrogate becomes invalid UTF-8 on the wire, which is a test too. */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
}

function path(r: () => number, template: string): string {
  return template.replace(/\{(\w+)\}/g, () =>
    enc(
      r() < 0.3
        ? pick(r, ['1001', 'billing', 'hotline-en', '4008001234', 'rec-x', '0123456789ab'])
        : pick(r, NASTY),
    ),
  );
}

describe('fuzzing the API with malformed requests', () => {
  let t: TestApi;
  let app: ReturnType<typeof createApi>;
  let admin: Record<string, string>;

  beforeAll(async () => {
    t = await testApiWithMedia({ limits: { bodyBytes: 65_536, perSecond: 1e9, burst: 1e9 } });
    app = createApi(t.deps);
    admin = t.auth('admin');
  });
  afterAll(() => t.cleanup());

  async function storm(r: () => number, n: number, seen: Map<number, number>): Promise<string[]> {
    const bad: string[] = [];
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
    for (let i = 0; i < n; i++) {
      const route = pick(r, allRoutes);
      const method = r() < 0.8 ? route.method.toUpperCase() : pick(r, methods);
      const p = r() < 0.9 ? path(r, route.path) : `/v1/${enc(pick(r, NASTY))}`;
      const b = method === 'GET' ? undefined : body(r);
      const query =
        r() < 0.3
          ? `?${pick(r, ['from', 'limit', 'agent', 'kinds', 'x'])}=${enc(pick(r, NASTY))}`
          : '';
      const headers: Record<string, string> = {
        ...(r() < 0.9 ? admin : { 'x-api-key': pick(r, HEADER_SAFE) }),
      };
      if (b !== undefined)
        headers['content-type'] =
          r() < 0.9
            ? 'application/json'
            : pick(r, ['text/plain', 'application/xml', 'multipart/form-data']);
      if (r() < 0.05) headers['x-request-id'] = 'bad id with spaces';
      const url = `${p}${query}`;
      let res: Response;
      try {
        res = await app.request(url.startsWith('/') ? url : `/${url}`, {
          method,
          headers,
          ...(b === undefined ? {} : { body: b }),
        });
      } catch (err) {
        bad.push(`${method} ${url.slice(0, 80)}: threw ${String(err)}`);
        continue;
      }
      if (route.path === '/v1/events' && res.body) await res.body.cancel();
      else await res.arrayBuffer();
      seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
      if (res.status >= 500)
        bad.push(`${method} ${url.slice(0, 80)} body ${String(b).slice(0, 60)}: ${res.status}`);
    }
    return bad;
  }

  it('answers thousands of malformed requests with 4xx only, and memory stays flat', async () => {
    const r = rng(20261126);
    const seen = new Map<number, number>();
    expect(await storm(r, 1000, seen)).toEqual([]);
    const before = process.memoryUsage().heapUsed;
    expect(await storm(r, 4000, seen)).toEqual([]);
    const grown = (process.memoryUsage().heapUsed - before) / 1e6;
    console.log(
      `fuzz: 5000 requests, statuses ${JSON.stringify(Object.fromEntries([...seen].sort((a, b) => a[0] - b[0])))}, heap growth over the last 4000: ${grown.toFixed(1)} MB`,
    );
    expect(grown).toBeLessThan(40);
    // Still answering.
    expect((await app.request('/healthz')).status).toBe(200);
  }, 120_000);
});
