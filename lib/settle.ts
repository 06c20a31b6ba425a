import type { Logger } from 'pino';

/**
 * For promises whose failure changes nothing (best-effort cleanup, a hangup of a channel that may
 * already be gone): `.catch(ignored(log, 'hanging up the agent leg'))`. The reason still reaches the
 * debug log as `{ err }`, so nothing fails silently. `what` says what was being tried. Without a
 * logger it only swallows.
 */
export function ignored(
  log: Pick<Logger, 'debug'> | undefined,
  what: string,
): (err: unknown) => undefined {
  return (err: unknown) => {
    log?.debug({ err }, `ignored a failure while ${what}`);
    return undefined;
  };
}
