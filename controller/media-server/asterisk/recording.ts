import { isHotlineError } from '../../../lib/errors.js';
import type { WaitOptions } from '../../../lib/wait.js';
import type { ChannelRecordOptions, Recording, RecordingEvent } from '../types.js';
import type { AriContext } from './context.js';

/**
 * Starts a live recording on a channel or bridge (`target` is its REST path) and follows it to
 * its end through the recording events. One implementation for both, as ARI has one model.
 */
export async function startRecording(
  ctx: AriContext,
  target: string,
  opts: ChannelRecordOptions,
): Promise<Recording> {
  const name = opts.name;
  let settle: (event: RecordingEvent) => void = () => undefined;
  const done = new Promise<RecordingEvent>((resolve) => (settle = resolve));
  ctx.recordings.set(name, (event) => {
    if (event.type === 'recording-started') return;
    ctx.recordings.delete(name);
    settle(event);
  });
  try {
    await ctx.rest.request('POST', `${target}/record`, {
      ...opts,
      query: {
        name,
        format: opts.format,
        maxDurationSeconds: opts.maxDurationSeconds,
        maxSilenceSeconds: opts.maxSilenceSeconds,
        beep: opts.beep ?? false,
        terminateOn: opts.terminateOn,
        ifExists: 'fail',
      },
    });
  } catch (err) {
    ctx.recordings.delete(name);
    throw err;
  }
  const live = (suffix: string): string => `/recordings/live/${encodeURIComponent(name)}${suffix}`;
  return {
    name,
    done,
    async stop(o: WaitOptions): Promise<void> {
      try {
        await ctx.rest.request('POST', live('/stop'), o);
      } catch (err) {
        if (!isHotlineError(err, 'MEDIA_NOT_FOUND')) throw err;
      }
    },
    async pause(o: WaitOptions): Promise<void> {
      await ctx.rest.request('POST', live('/pause'), o);
    },
    async resume(o: WaitOptions): Promise<void> {
      await ctx.rest.request('DELETE', live('/pause'), o);
    },
  };
}
