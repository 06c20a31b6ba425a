import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { ApiDeps } from './deps.js';
import type { Principal, Role } from './auth/principal.js';

/** What a handler receives: validated input, the caller, the request's logger. */
export interface HandlerCtx<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  deps: ApiDeps;
  log: Logger;
  c: Context;
}

export interface ResponseDef {
  description: string;
  schema?: z.ZodType;
  /** Default application/json. */
  contentType?: string;
}

/**
 * One endpoint, declared once: the same definition registers the handler, validates its input,
 * checks its roles and writes its part of the OpenAPI document.
 */
export interface RouteDef<P = Record<string, never>, Q = Record<string, never>, B = undefined> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI style: /v1/agents/{id}. */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed; none: public (health). */
  roles: readonly Role[];
  /** A path parameter that an agent may only set to itself (its agent id). */
  self?: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Largest body for this endpoint, when it differs from `api.bodyBytes` (flow files). */
  bodyBytes?: number;
  /** Outside systems the endpoint needs: 503 with the reason when one is away. */
  needs?: readonly ('redis' | 'media' | 'recordings')[];
  responses: Record<number, ResponseDef>;
  handler(ctx: HandlerCtx<P, Q, B>): Promise<Response> | Response;
}

// The registry stores routes with their input types erased; each was checked where defined.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDef<any, any, any>;

/** Keeps the input types of one definition (inference), and erases them for the registry. */
export function route<P = Record<string, never>, Q = Record<string, never>, B = undefined>(
  def: RouteDef<P, Q, B>,
): AnyRoute {
  return def as AnyRoute;
}

/** Answers with JSON and a status. */
export function json(c: Context, status: 200 | 201 | 202, body: unknown): Response {
  return c.json(body as object, status);
}
