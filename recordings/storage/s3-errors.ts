import { HotlineError, isHotlineError, type ErrorCode } from '../../lib/errors.js';

/**
 * S3 errors as the recordings' typed errors: the only code that reads the SDK's error shapes.
 * Messages name their source and never carry credentials.
 */
export interface S3ErrorContext {
  driver: string;
  bucket: string;
  op: string;
  key?: string | undefined;
  /** Scrubbed from messages. */
  secrets: string[];
}

/** The SDK's error shape: service errors carry a name and status, socket errors a code. */
interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

// 5xx and 429 are caught by status; these come without one (socket timeouts) or as 400s (RequestTimeout).
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
]);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

function classify(e: SdkError, status: number, onKey: boolean): ErrorCode {
  if (e.name === 'NoSuchBucket') return 'STORAGE_FAILED';
  if (e.name === 'InvalidRange' || status === 416) return 'RECORDING_RANGE_INVALID';
  if (onKey && (e.name === 'NoSuchKey' || e.name === 'NotFound' || status === 404))
    return 'STORAGE_NOT_FOUND';
  if (
    TRANSIENT_NAMES.has(e.name ?? '') ||
    NETWORK_CODES.has(e.code ?? '') ||
    status === 429 ||
    status >= 500
  )
    return 'STORAGE_UNAVAILABLE';
  return 'STORAGE_FAILED';
}

/** The one place SDK errors become HotlineErrors (after the SDK's own retries). */
export function translateS3Error(err: unknown, c: S3ErrorContext): HotlineError {
  if (isHotlineError(err)) return err;
  const e: SdkError = typeof err === 'object' && err !== null ? err : { message: String(err) };
  const status = e.$metadata?.httpStatusCode ?? 0;
  const scrub = (text: string): string =>
    c.secrets.filter((x) => x.length >= 4).reduce((t, x) => t.split(x).join('***'), text);
  // SDK errors carry fields such as AWSAccessKeyId: the cause is a scrubbed copy, not the error itself.
  const cause = Object.assign(new Error(scrub(e.message ?? '')), {
    name: e.name ?? 'Error',
    code: e.code,
    $metadata: e.$metadata,
  });
  const code = classify(e, status, c.op === 'get' || c.op === 'head' || c.op === 'delete');
  const what = `[recordings] [${c.driver}] ${c.op}${c.key ? ` ${c.key}` : ''}`;
  if (code === 'STORAGE_NOT_FOUND')
    return new HotlineError(code, `${what}: not found`, { cause, details: { key: c.key } });
  const bucketMissing = e.name === 'NoSuchBucket' || (c.op === 'open bucket' && status === 404);
  const sdkName = e.name && e.name !== 'Unknown' ? e.name : undefined;
  const why = bucketMissing
    ? `bucket ${c.bucket} not found`
    : status === 403 || status === 401
      ? `access denied (HTTP ${status}${sdkName ? `, ${sdkName}` : ''}): check the credentials and the bucket policy`
      : `${sdkName ?? 'error'}${e.code ? ` ${e.code}` : ''}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? ''}`;
  return new HotlineError(
    bucketMissing ? 'STORAGE_FAILED' : code,
    scrub(`${what}: ${why.slice(0, 300)}`),
    {
      cause,
      details: { bucket: c.bucket, key: c.key, status: status || undefined, sdkError: e.name },
    },
  );
}
