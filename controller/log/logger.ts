import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Keys that must never reach a log line, whatever object they hide in. */
export const REDACT_PATHS = [
  'password',
  'secret',
  'apiKey',
  'token',
  'authorization',
  '*.password',
  '*.secret',
  '*.apiKey',
  '*.token',
  '*.authorization',
  '*.*.password',
  '*.*.secret',
  '*.*.apiKey',
  // Recordings: the S3 secret, master keys and wrapped data keys.
  'secretAccessKey',
  '*.secretAccessKey',
  '*.*.secretAccessKey',
  'dataKey',
  '*.dataKey',
  'keys',
  '*.keys',
  'callerHashSecret',
  '*.callerHashSecret',
  'headers.authorization',
  'headers.cookie',
  // ioredis puts the failed command on its errors: AUTH and HELLO carry the password, keys and
  // values carry caller numbers. Errors are logged whole ({ err }), so their arguments go.
  '*.command.args',
  '*.previousErrors[*].command.args',
  '*.aggregateErrors[*].command.args',
];

export function createLogger(
  opts: { level: string; name: string },
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: opts.level,
      base: { controller: opts.name },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** Strips user:password@ from URLs before they are logged. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = 'xxx';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
