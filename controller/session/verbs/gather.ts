import { HotlineError, isHotlineError } from '../../../lib/errors.js';
import type { Digit, Media } from '../../media-server/types.js';
import type { CallContext } from '../context.js';
import { DigitCollector } from '../digit-collector.js';
import { describe } from './play.js';

export interface GatherOptions {
  prompt: Media | Media[];
  maxDigits: number;
  /** Wait for the first key after the prompt ends. */
  firstDigitTimeoutMs: number;
  /** Wait between keys. */
  interDigitTimeoutMs: number;
  /** Ends input early (not included in the result). */
  terminator?: Digit;
  /** Longest the prompt may play. */
  maxPromptMs: number;
  /** The keys are personal data: the timeline notes each as `dtmf *`, never the key. */
  sensitive?: boolean | undefined;
  /** How the prompt is named in the timeline (default: the media, values and all). */
  label?: string | undefined;
}

/**
 * Plays a prompt and collects DTMF. A key pressed during the prompt stops it (barge-in) and
 * counts. Returns the digits ('' on no input).
 */
export async function gather(call: CallContext, opts: GatherOptions): Promise<string> {
  const keys = new DigitCollector(call.channel, opts.maxDigits, opts.terminator, (d) =>
    call.note(`dtmf ${opts.sensitive ? '*' : d}`),
  );
  try {
    const playback = await call.channel.play(opts.prompt, {
      timeoutMs: call.commandTimeoutMs,
      signal: call.signal,
    });
    call.note(`play ${opts.label ?? describe(opts.prompt)} (playback ${playback.id})`);
    const promptOver = new AbortController();
    const bargeIn = keys.nextKey(
      opts.maxPromptMs,
      AbortSignal.any([call.signal, promptOver.signal]),
    );
    const first = await Promise.race([
      playback.done.then(() => 'prompt-end' as const),
      bargeIn.then((k) => (k ? ('key' as const) : ('prompt-overran' as const))),
    ]);
    promptOver.abort();
    await bargeIn.catch((err: unknown) => {
      if (!call.signal.aborted && isHotlineError(err, 'CALL_ENDED')) return false;
      throw err;
    });
    if (call.signal.aborted) throw new HotlineError('CALL_ENDED', 'call ended during prompt');
    if (first !== 'prompt-end') {
      await playback.stop({ timeoutMs: call.commandTimeoutMs, signal: call.signal });
      if (first === 'key') call.note('barge-in');
    }
    let waitMs = keys.digits.length === 0 ? opts.firstDigitTimeoutMs : opts.interDigitTimeoutMs;
    while (!keys.complete && (await keys.nextKey(waitMs, call.signal)))
      waitMs = opts.interDigitTimeoutMs;
    return keys.digits;
  } finally {
    keys.close();
  }
}
