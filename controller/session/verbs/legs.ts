import { HotlineError } from '../../../lib/errors.js';
import type { Channel } from '../../media-server/types.js';

/** Resolves when either signal fires (caller or other leg gone). */
export function eitherEnds(a: AbortSignal, b: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (a.aborted || b.aborted) return resolve();
    const done = (): void => {
      a.removeEventListener('abort', done);
      b.removeEventListener('abort', done);
      resolve();
    };
    a.addEventListener('abort', done, { once: true });
    b.addEventListener('abort', done, { once: true });
  });
}

/** The first leg to answer (its key), or undefined when all ended or the time ran out. */
export function firstAnswer(
  legs: Map<string, Channel>,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    let open = legs.size;
    const finish = (result: string | undefined | Error): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      for (const off of offs) off();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onAbort = (): void =>
      finish(new HotlineError('CALL_ENDED', 'caller left while agents were ringing'));
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    for (const [agentId, leg] of legs) {
      if (leg.info.state === 'up') return finish(agentId);
      offs.push(
        leg.on((e) => {
          if (e.type === 'answered') finish(agentId);
          else if (e.type === 'ended' && --open === 0) finish(undefined);
        }),
      );
    }
    if (signal.aborted) onAbort();
  });
}
