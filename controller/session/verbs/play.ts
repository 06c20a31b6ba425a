import { HotlineError } from '../../../lib/errors.js';
import type { Media } from '../../media-server/types.js';
import type { CallContext } from '../context.js';

/**
 * Plays media to the end (or until the call ends). The deadline covers the whole playback. `label`
 * names the media in the timeline instead of the media itself: a flow saying back what the caller
 * typed names the variable there, not its value.
 */
export async function play(
  call: CallContext,
  media: Media | Media[],
  opts: { maxMs: number; label?: string | undefined },
): Promise<void> {
  const playback = await call.channel.play(media, {
    timeoutMs: call.commandTimeoutMs,
    signal: call.signal,
  });
  call.note(`play ${opts.label ?? describe(media)} (playback ${playback.id})`);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>(
    (resolve) => (timer = setTimeout(() => resolve('deadline'), opts.maxMs)),
  );
  try {
    const result = await Promise.race([playback.done, deadline]);
    if (result === 'deadline') {
      await playback.stop({ timeoutMs: call.commandTimeoutMs });
      throw new HotlineError('WAIT_TIMEOUT', `playback longer than ${opts.maxMs} ms`);
    }
    if (call.signal.aborted) throw new HotlineError('CALL_ENDED', 'call ended during playback');
  } finally {
    clearTimeout(timer);
  }
}

export function describe(media: Media | Media[]): string {
  const list = Array.isArray(media) ? media : [media];
  return list
    .map((m) => {
      switch (m.type) {
        case 'prompt':
          return `prompt:${m.id}`;
        case 'sound':
          return `sound:${m.name}`;
        case 'file':
          return 'file';
        case 'tone':
          return `tone:${m.tone}`;
        case 'digits':
          return `digits:${m.digits}`;
      }
    })
    .join('+');
}
