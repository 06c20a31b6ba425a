import { randomUUID } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { requestId } from 'hono/request-id';
import type { Logger } from 'pino';
import type { ZodType } from 'zod';
import { authenticate, authorize, needs, parse, readJson, requireJson } from './admit.js';
import type { Principal } from './auth/principal.js';
import type { ApiDeps } from './deps.js';
import { openApiDocument } from './openapi.js';
import { docsPage } from './docs-page.js';
import { ApiError, problem, toApiError } from './problem.js';
import { RateLimiter } from './rate-limit.js';
import type { AnyRoute } from './route.js';
import { allRoutes } from './routes/index.js';

declare module 'hono' {
  /** What the steps before a handler leave for it on the context (`requestId` is hono's). */
  interface ContextVariableMap {
    log: Logger;
    admitted: {
      params: Record<string, unknown>;
      query: unknown;
      principal: Principal;
      anonymous: boolean;
    };
  }
}

/** Request ids we keep as sent: hono's own rule refuses dots, which tracing ids often carry. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const honoPath = (p: string): string => p.replace(/\{(\w+)\}/g, ':$1');

/**
 * The control API: every route from one table (`routes/`), each validated, authenticated,
 * role-checked, rate-limited and timed the same way; every error an RFC 9457 problem, made in
 * `onError` alone. Nothing a client sends can produce a 5xx: only an outside system that is away
 * (503) or a bug (500, logged).
 */
export function createApi(deps: ApiDeps, routes: readonly AnyRoute[] = allRoutes): Hono {
  const app = new Hono();
  const limiter = new RateLimiter(deps.limits.perSecond, deps.limits.burst);
  const doc = openApiDocument(routes, { version: deps.version });

  app.use(
    requestId({
      limitLength: 64,
      generator: (c) => {
        const given = c.req.header('x-request-id');
        return given && REQUEST_ID.test(given) ? given : randomUUID();
      },
    }),
  );
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => {
        c.header('Allow', methods.join(', '));
        return problem(
          c,
          new ApiError(405, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here`),
          c.get('requestId'),
        );
      },
    }),
  );
  app.get('/openapi.json', (c) => c.json(doc));
  app.get('/docs', (c) => c.html(docsPage(doc)));

  for (const r of routes) {
    const name = `${r.method.toUpperCase()} ${r.path}`;
    const steps: [MiddlewareHandler, ...MiddlewareHandler[]] = [observe(r, name), admit(r)];
    // Counts chunked bodies as they stream and refuses the one byte too many; a declared
    // Content-Length over the limit is refused before reading.
    const max = r.bodyBytes ?? deps.limits.bodyBytes;
    if (r.body) steps.push(bodyLimit({ maxSize: max, onError: () => tooLarge(max) }));
    steps.push(handle(r));
    app.on(r.method.toUpperCase(), honoPath(r.path), ...steps);
  }

  app.notFound((c) =>
    problem(
      c,
      new ApiError(404, 'NOT_FOUND', 'no such endpoint (see /openapi.json)'),
      c.get('requestId'),
    ),
  );
  app.onError((err, c) => {
    const e = toApiError(err);
    const log =
      (c.var.log as Logger | undefined) ?? deps.log.child({ requestId: c.get('requestId') });
    if (e.status >= 500) log.error({ err, code: e.code }, 'request failed');
    else log.debug({ code: e.code, status: e.status }, 'request refused');
    return problem(c, e, c.get('requestId'));
  });
  return app;

  /** Times and counts the request, whatever answered it (a handler or `onError`). */
  function observe(r: AnyRoute, name: string): MiddlewareHandler {
    return async (c, next) => {
      const started = process.hrtime.bigint();
      c.set('log', deps.log.child({ requestId: c.get('requestId'), route: name }));
      try {
        await next();
      } finally {
        deps.metrics.requests.inc({
          route: r.path,
          method: r.method,
          status: String(c.finalized ? c.res.status : 500),
        });
        deps.metrics.latency.observe(
          { route: r.path },
          Number(process.hrtime.bigint() - started) / 1e9,
        );
      }
    };
  }

  /** Everything that can refuse a request before a byte of its body is read. */
  function admit(r: AnyRoute): MiddlewareHandler {
    return async (c, next) => {
      const params = parse(
        r.params as ZodType | undefined,
        c.req.param(),
        'PARAMS_INVALID',
      ) as Record<string, unknown>;
      // Public routes (health) get the least privilege, should a handler ever look.
      let principal: Principal = { id: 'anonymous', role: 'agent', via: 'key' };
      if (r.roles.length) {
        principal = await authenticate(c, deps);
        const wait = limiter.take(`${principal.via}:${principal.id}`);
        if (wait > 0) {
          c.header('Retry-After', String(Math.ceil(wait / 1000)));
          throw new ApiError(
            429,
            'RATE_LIMITED',
            `rate limit of ${deps.limits.perSecond}/s reached; retry in ${wait} ms`,
          );
        }
        authorize(r, principal, params);
      }
      const query: unknown = parse(r.query as ZodType | undefined, c.req.query(), 'QUERY_INVALID');
      if (r.body) requireJson(c);
      c.set('admitted', { params, query, principal, anonymous: r.roles.length === 0 });
      await next();
    };
  }

  function handle(r: AnyRoute): MiddlewareHandler {
    return async (c) => {
      const { params, query, principal, anonymous } = c.get('admitted');
      const body: unknown = r.body
        ? parse(r.body as ZodType, await readJson(c), 'BODY_INVALID')
        : undefined;
      needs(r, deps);
      const log = anonymous
        ? c.get('log')
        : c.get('log').child({ principal: principal.id, role: principal.role });
      try {
        return await r.handler({ params, query, body, principal, deps, log, c });
      } catch (err) {
        // hono hands only Error instances to onError; anything else thrown is a bug, still a 500 problem.
        throw err instanceof Error ? err : new Error(`non-Error thrown: ${String(err)}`);
      }
    };
  }
}

function tooLarge(maxBytes: number): never {
  throw new ApiError(413, 'BODY_TOO_LARGE', `the body may be at most ${maxBytes} bytes`);
}
