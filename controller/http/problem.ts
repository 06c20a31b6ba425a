import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isHotlineError, type ErrorCode } from '../../lib/errors.js';

/** Codes the API edge adds to the controller's own (`ErrorCode`): stable, for machines. */
export type ApiCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'JSON_INVALID'
  | 'BODY_INVALID'
  | 'BODY_TOO_LARGE'
  | 'QUERY_INVALID'
  | 'PARAMS_INVALID'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'REDIS_UNAVAILABLE'
  | 'MEDIA_SERVER_UNAVAILABLE'
  | 'RECORDINGS_DISABLED'
  | 'INTERNAL';

/** An error that is already an HTTP answer (RFC 9457 problem details). */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiCode | ErrorCode,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** Controller error codes as HTTP statuses: the only place the two meet. */
const STATUS: Partial<Record<ErrorCode, ContentfulStatusCode>> = {
  AGENT_NOT_FOUND: 404,
  QUEUE_NOT_FOUND: 404,
  FLOW_NOT_FOUND: 404,
  RECORDING_NOT_FOUND: 404,
  STORAGE_NOT_FOUND: 404,
  MEDIA_NOT_FOUND: 404,
  CALL_ENDED: 409,
  AGENT_ILLEGAL_TRANSITION: 409,
  MEDIA_CONFLICT: 409,
  MEDIA_REJECTED: 409,
  MEDIA_FAILED: 503,
  MEDIA_PROTOCOL: 503,
  MEDIA_AUTH_FAILED: 503,
  MEDIA_UNSUPPORTED: 501,
  AGENT_EXISTS: 409,
  QUEUE_EXISTS: 409,
  AGENT_BUSY: 409,
  RECORDING_BUSY: 409,
  RECORDING_RANGE_INVALID: 416,
  FLOW_INVALID: 422,
  ROUTER_CONFIG_INVALID: 422,
  CONFIG_INVALID: 422,
  MEDIA_NOT_CONNECTED: 503,
  STORAGE_UNAVAILABLE: 503,
  WAIT_TIMEOUT: 503,
};

const TITLE: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Redis unreachable (ioredis gave up on the command): a 503 with that reason, not a 500. */
function isRedisDown(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name ?? '';
  const msg = err instanceof Error ? err.message : '';
  return (
    name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|ECONNREFUSED|Stream isn't writeable|enableOfflineQueue/.test(msg)
  );
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isHotlineError(err)) {
    const problems = err.details.problems;
    return new ApiError(
      STATUS[err.code] ?? 500,
      err.code,
      err.message,
      Array.isArray(problems) ? { errors: problems } : {},
    );
  }
  if (isRedisDown(err))
    return new ApiError(503, 'REDIS_UNAVAILABLE', 'Redis is unreachable; try again shortly');
  return new ApiError(500, 'INTERNAL', 'internal error (logged with this request id)');
}

export function problem(c: Context, err: ApiError, requestId?: string): Response {
  const body = {
    type: `https://hotline.dev/problems/${err.code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLE[err.status] ?? 'Error',
    status: err.status,
    code: err.code,
    detail: err.detail,
    ...(requestId ? { requestId } : {}),
    ...err.extra,
  };
  c.header('Content-Type', 'application/problem+json');
  return c.body(JSON.stringify(body), err.status);
}
