import { HotlineError } from './errors.js';

/** Every wait in the controller has a deadline and ends when the call (signal) ends. */
export interface WaitOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export type Unsubscribe = () => void;

/**
 * Resolves with the first event accepted by `match`, rejects with WAIT_TIMEOUT at the deadline or
 * CALL_ENDED when the signal aborts. The listener and the timer are removed on every path.
 */
export function waitForEvent<E>(
  subscribe: (listener: (event: E) => void) => Unsubscribe,
  match: (event: E) => boolean,
  opts: WaitOptions,
  what = 'event',
): Promise<E> {
  return new Promise<E>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(callEnded(what));
      return;
    }
    let unsubscribe: Unsubscribe = () => undefined;
    const finish = (): void => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      unsubscribe();
    };
    const onAbort = (): void => {
      finish();
      reject(callEnded(what));
    };
    const timer = setTimeout(() => {
      finish();
      reject(
        new HotlineError('WAIT_TIMEOUT', `no ${what} within ${opts.timeoutMs} ms`, {
          details: { timeoutMs: opts.timeoutMs },
        }),
      );
    }, opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    unsubscribe = subscribe((event) => {
      if (!match(event)) return;
      finish();
      resolve(event);
    });
  });
}

/**
 * Runs `work` with a deadline; the AbortSignal handed to it fires at the deadline or on `signal`.
 * Plain timers, cleared on completion: AbortSignal.timeout would keep firing long after the work.
 */
export async function withDeadline<T>(
  what: string,
  opts: WaitOptions,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const outer = opts.signal;
  if (outer?.aborted) throw callEnded(what);
  const inner = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    inner.abort();
  }, opts.timeoutMs);
  const onAbort = (): void => inner.abort();
  outer?.addEventListener('abort', onAbort, { once: true });
  try {
    return await work(inner.signal);
  } catch (err) {
    if (outer?.aborted) throw callEnded(what, err);
    if (timedOut) {
      throw new HotlineError('WAIT_TIMEOUT', `${what} took longer than ${opts.timeoutMs} ms`, {
        cause: err,
        details: { timeoutMs: opts.timeoutMs },
      });
    }
    throw err;
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}

/** A sleep that ends early (rejecting CALL_ENDED) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(callEnded('sleep'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(callEnded('sleep'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function callEnded(what: string, cause?: unknown): HotlineError {
  return new HotlineError(
    'CALL_ENDED',
    `call ended while waiting for ${what}`,
    cause === undefined ? {} : { cause },
  );
}
