import type { Logger } from 'pino';

/**
 * For a step whose failure must not stop what follows (a best-effort cleanup, a figure written
 * behind): resolves to undefined, and says why at debug level, so nothing fails silently.
 * `what` says what was being tried: `.catch(ignored(call.log, 'removing the holding bridge'))`.
 */
export function ignored(log: Pick<Logger, 'debug'> | undefined, what: string): (err: unknown) => undefined {
  return (err: unknown) => {
    log?.debug({ err }, `${what} failed (ignored)`);
    return undefined;
  };
}
