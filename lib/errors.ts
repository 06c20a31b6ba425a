/**
 * Typed errors with stable codes. Callers branch on `code`, never on message text; the API edge
 * (and the CLI) turn codes into responses and exit statuses.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'WAIT_TIMEOUT'
  | 'CALL_ENDED'
  | 'MEDIA_NOT_CONNECTED'
  | 'MEDIA_NOT_FOUND'
  | 'MEDIA_CONFLICT'
  | 'MEDIA_REJECTED'
  | 'MEDIA_FAILED'
  | 'MEDIA_PROTOCOL'
  | 'MEDIA_AUTH_FAILED'
  | 'MEDIA_UNSUPPORTED'
  | 'AGENT_ILLEGAL_TRANSITION'
  | 'AGENT_NOT_FOUND'
  | 'AGENT_EXISTS'
  | 'AGENT_BUSY'
  | 'QUEUE_EXISTS'
  | 'QUEUE_NOT_FOUND'
  | 'FLOW_NOT_FOUND'
  | 'ROUTER_CONFIG_INVALID'
  | 'FLOW_INVALID'
  | 'LAB_FAILED'
  | 'SIPP_FAILED'
  | 'SPEECH_FAILED'
  | 'SPEECH_TIMEOUT'
  | 'SPEECH_GRAMMAR_INVALID'
  | 'STORAGE_NOT_FOUND'
  | 'STORAGE_UNAVAILABLE'
  | 'STORAGE_FULL'
  | 'STORAGE_FAILED'
  | 'STORAGE_KEY_INVALID'
  | 'RECORDING_NOT_FOUND'
  | 'RECORDING_CORRUPT'
  | 'RECORDING_KEY_MISSING'
  | 'RECORDING_KEY_MISMATCH'
  | 'RECORDING_RANGE_INVALID'
  | 'RECORDING_BUSY'
  | 'TRANSCODE_FAILED';

export class HotlineError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HotlineError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export function isHotlineError(err: unknown, code?: ErrorCode): err is HotlineError {
  return err instanceof HotlineError && (code === undefined || err.code === code);
}

/** A call that ended while we waited is the normal end of a session, not a failure. */
export function isCallEnded(err: unknown): boolean {
  return isHotlineError(err, 'CALL_ENDED');
}
