import type { Context } from 'hono';
import type { ZodError, ZodType } from 'zod';
import type { Principal } from './auth/principal.js';
import type { ApiDeps } from './deps.js';
import { ApiError } from './problem.js';
import type { AnyRoute } from './route.js';

/** The checks every request passes before its handler runs, each refusing with its own code. */

function issues(err: ZodError): { path: string; message: string }[] {
  return err.issues
    .slice(0, 20)
    .map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}

export function parse<T>(
  schema: ZodType<T> | undefined,
  value: unknown,
  code: 'PARAMS_INVALID' | 'QUERY_INVALID' | 'BODY_INVALID',
): T {
  if (!schema) return (code === 'BODY_INVALID' ? undefined : {}) as T;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const list = issues(r.error);
  const status = code === 'PARAMS_INVALID' ? 404 : 400;
  throw new ApiError(
    status,
    code,
    `${list.map((i) => `${i.path}: ${i.message}`).join('; ')}`.slice(0, 500),
    { errors: list },
  );
}

/** Refuses a body that is not JSON before a byte of it is read. */
export function requireJson(c: Context): void {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\b/i.test(type))
    throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
}

/** Parses a body that hono's body limit has already counted (413 there); broken JSON is a 400. */
export async function readJson(c: Context): Promise<unknown> {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(await c.req.arrayBuffer());
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'JSON_INVALID', 'the body is not valid JSON');
  }
}

export async function authenticate(c: Context, deps: ApiDeps): Promise<Principal> {
  const header = c.req.header('authorization');
  const presented =
    c.req.header('x-api-key') ??
    (header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined);
  if (!presented)
    throw new ApiError(401, 'UNAUTHENTICATED', 'send an API key (X-API-Key) or a bearer token');
  if (presented.length > 2048)
    throw new ApiError(401, 'UNAUTHENTICATED', 'credentials not accepted');
  const p = presented.startsWith('hk_')
    ? await deps.keys.verify(presented)
    : await deps.tokens.verify(presented);
  if (!p)
    throw new ApiError(
      401,
      'UNAUTHENTICATED',
      'credentials not accepted (unknown, expired or revoked)',
    );
  return p;
}

export function authorize(r: AnyRoute, p: Principal, params: Record<string, unknown>): void {
  if (!r.roles.includes(p.role))
    throw new ApiError(403, 'FORBIDDEN', `the ${p.role} role may not ${r.summary.toLowerCase()}`);
  if (p.role === 'agent' && r.self && params[r.self] !== p.agentId)
    throw new ApiError(403, 'FORBIDDEN', 'an agent may act only on itself');
}

export function needs(r: AnyRoute, deps: ApiDeps): void {
  for (const n of r.needs ?? []) {
    if (n === 'redis' && !deps.redisReady())
      throw new ApiError(503, 'REDIS_UNAVAILABLE', 'Redis is unreachable; try again shortly');
    if (n === 'media' && !deps.servers.some((s) => s.status().ready))
      throw new ApiError(503, 'MEDIA_SERVER_UNAVAILABLE', 'no media server is connected');
    if (n === 'recordings' && !deps.recordings)
      throw new ApiError(
        503,
        'RECORDINGS_DISABLED',
        'recording is turned off on this controller (recordings.enabled)',
      );
  }
}
