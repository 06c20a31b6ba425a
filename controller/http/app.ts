import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { ZodError, ZodType } from 'zod';
import type { Principal } from './auth/principal.js';
import type { ApiDeps } from './deps.js';
import { openApiDocument } from './openapi.js';
import { docsPage } from './docs-page.js';
import { ApiError, problem, toApiError } from './problem.js';
import { RateLimiter } from './rate-limit.js';
import type { AnyRoute } from './route.js';
import { allRoutes } from './routes/index.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

function issues(err: ZodError): { path: string; message: string }[] {
  return err.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}

function parse<T>(schema: ZodType<T> | undefined, value: unknown, code: 'PARAMS_INVALID' | 'QUERY_INVALID' | 'BODY_INVALID'): T {
  if (!schema) return (code === 'BODY_INVALID' ? undefined : {}) as T;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const list = issues(r.error);
  const status = code === 'PARAMS_INVALID' ? 404 : 400;
  throw new ApiError(status, code, `${list.map((i) => `${i.path}: ${i.message}`).join('; ')}`.slice(0, 500), { errors: list });
}

/** Reads a JSON body, refusing other media types, oversized bodies and broken JSON with 4xx. */
async function readJson(c: Context, maxBytes: number): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > maxBytes) throw new ApiError(413, 'BODY_TOO_LARGE', `the body may be at most ${maxBytes} bytes`);
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > maxBytes) throw new ApiError(413, 'BODY_TOO_LARGE', `the body may be at most ${maxBytes} bytes`);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(buf);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'JSON_INVALID', 'the body is not valid JSON');
  }
}

async function authenticate(c: Context, deps: ApiDeps): Promise<Principal> {
  const header = c.req.header('authorization');
  const presented = c.req.header('x-api-key') ?? (header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined);
  if (!presented) throw new ApiError(401, 'UNAUTHENTICATED', 'send an API key (X-API-Key) or a bearer token');
  if (presented.length > 2048) throw new ApiError(401, 'UNAUTHENTICATED', 'credentials not accepted');
  const p = presented.startsWith('hk_') ? await deps.keys.verify(presented) : deps.tokens.verify(presented);
  if (!p) throw new ApiError(401, 'UNAUTHENTICATED', 'credentials not accepted (unknown, expired or revoked)');
  return p;
}

function authorize(r: AnyRoute, p: Principal, params: Record<string, unknown>): void {
  if (!r.roles.includes(p.role)) throw new ApiError(403, 'FORBIDDEN', `the ${p.role} role may not ${r.summary.toLowerCase()}`);
  if (p.role === 'agent' && r.self && params[r.self] !== p.agentId) throw new ApiError(403, 'FORBIDDEN', 'an agent may act only on itself');
}

function needs(r: AnyRoute, deps: ApiDeps): void {
  for (const n of r.needs ?? []) {
    if (n === 'redis' && !deps.redisReady()) throw new ApiError(503, 'REDIS_UNAVAILABLE', 'Redis is unreachable; try again shortly');
    if (n === 'media' && !deps.servers.some((s) => s.status().ready)) throw new ApiError(503, 'MEDIA_SERVER_UNAVAILABLE', 'no media server is connected');
    if (n === 'recordings' && !deps.recordings) throw new ApiError(503, 'RECORDINGS_DISABLED', 'recording is turned off on this controller (recordings.enabled)');
  }
}

const honoPath = (p: string): string => p.replace(/\{(\w+)\}/g, ':$1');
const pathRegex = (p: string): RegExp => new RegExp(`^${p.replace(/\{(\w+)\}/g, '[^/]+')}$`);

/**
 * The control API: every route from one table (`routes/`), each validated, authenticated,
 * role-checked, rate-limited and timed the same way; every error an RFC 9457 problem. Nothing a
 * client sends can produce a 5xx: only an outside system that is away (503) or a bug (500, logged).
 */
export function createApi(deps: ApiDeps, routes: readonly AnyRoute[] = allRoutes): Hono {
  const app = new Hono();
  const limiter = new RateLimiter(deps.limits.perSecond, deps.limits.burst);
  const doc = openApiDocument(routes, { version: deps.version });
  app.get('/openapi.json', (c) => c.json(doc));
  app.get('/docs', (c) => c.html(docsPage(doc)));

  for (const r of routes) {
    app.on(r.method.toUpperCase(), honoPath(r.path), async (c) => {
      const started = process.hrtime.bigint();
      const given = c.req.header('x-request-id');
      const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
      c.header('X-Request-Id', requestId);
      const log = deps.log.child({ requestId, route: `${r.method.toUpperCase()} ${r.path}` });
      let status = 500;
      try {
        const params = parse(r.params as ZodType | undefined, c.req.param(), 'PARAMS_INVALID') as Record<string, unknown>;
        // Public routes (health) get the least privilege, should a handler ever look.
        let principal: Principal = { id: 'anonymous', role: 'agent', via: 'key' };
        if (r.roles.length) {
          principal = await authenticate(c, deps);
          const wait = limiter.take(`${principal.via}:${principal.id}`);
          if (wait > 0) {
            c.header('Retry-After', String(Math.ceil(wait / 1000)));
            throw new ApiError(429, 'RATE_LIMITED', `rate limit of ${deps.limits.perSecond}/s reached; retry in ${wait} ms`);
          }
          authorize(r, principal, params);
        }
        const query: unknown = parse(r.query as ZodType | undefined, c.req.query(), 'QUERY_INVALID');
        const body: unknown = r.body ? parse(r.body as ZodType, await readJson(c, r.bodyBytes ?? deps.limits.bodyBytes), 'BODY_INVALID') : undefined;
        needs(r, deps);
        const res = await r.handler({ params, query, body, principal, deps, log: principal.id === 'anonymous' ? log : log.child({ principal: principal.id, role: principal.role }), c });
        status = res.status;
        return res;
      } catch (err) {
        const e = toApiError(err);
        status = e.status;
        if (e.status >= 500) log.error({ err, code: e.code }, 'request failed');
        else log.debug({ code: e.code, status: e.status }, 'request refused');
        return problem(c, e, requestId);
      } finally {
        deps.metrics.requests.inc({ route: r.path, method: r.method, status: String(status) });
        deps.metrics.latency.observe({ route: r.path }, Number(process.hrtime.bigint() - started) / 1e9);
      }
    });
  }

  const known = routes.map((r) => ({ re: pathRegex(r.path), method: r.method.toUpperCase() }));
  app.notFound((c) => {
    const path = c.req.path;
    const matching = known.filter((k) => k.re.test(path));
    if (matching.length) {
      c.header('Allow', [...new Set(matching.map((k) => k.method))].join(', '));
      return problem(c, new ApiError(405, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here`));
    }
    return problem(c, new ApiError(404, 'NOT_FOUND', 'no such endpoint (see /openapi.json)'));
  });
  app.onError((err, c) => {
    const e = toApiError(err);
    if (e.status >= 500) deps.log.error({ err }, 'unhandled API error');
    return problem(c, e);
  });
  return app;
}
