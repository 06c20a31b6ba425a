import { HotlineError } from '../../lib/errors.js';
import type { Channel, Digit } from '../media-server/types.js';

/**
 * Buffers a channel's DTMF from the moment it is created, so keys pressed during a prompt are
 * never missed. `close()` removes the listener.
 */
export class DigitCollector {
  digits = '';
  complete = false;
  private waiter: (() => void) | undefined;
  private readonly off: () => void;

  constructor(
    channel: Channel,
    private readonly maxDigits: number,
    private readonly terminator: Digit | undefined,
    onDigit: (digit: Digit) => void,
  ) {
    this.off = channel.on((ev) => {
      if (ev.type !== 'dtmf' || this.complete) return;
      onDigit(ev.digit);
      if (this.terminator !== undefined && ev.digit === this.terminator) this.complete = true;
      else this.digits += ev.digit;
      if (this.digits.length >= this.maxDigits) this.complete = true;
      this.waiter?.();
    });
  }

  /** True when a key arrives (or input is already complete), false at the timeout. */
  nextKey(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      if (this.complete) return resolve(true);
      if (signal.aborted) return reject(ended());
      const finish = (result: boolean | Error): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiter = undefined;
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const onAbort = (): void => finish(ended());
      const timer = setTimeout(() => finish(false), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = () => finish(true);
    });
  }

  close(): void {
    this.complete = true;
    this.waiter = undefined;
    this.off();
  }
}

function ended(): HotlineError {
  return new HotlineError('CALL_ENDED', 'call ended while waiting for a key');
}
