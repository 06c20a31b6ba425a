import { join } from 'node:path';
import { HotlineError } from '../../../lib/errors.js';
import { withDeadline, type WaitOptions } from '../../../lib/wait.js';
import type { ChannelRecordOptions, RecordOptions, Recording, RecordingEvent } from '../types.js';
import type { FsChannel } from './channel.js';
import type { FsContext } from './context.js';
import { ignored } from '../../../lib/settle.js';

/** Where FreeSWITCH writes a recording (its own view of the shared folder). */
export function serverPath(ctx: FsContext, name: string, format: RecordOptions['format']): string {
  if (!/^[A-Za-z0-9_.-]{1,200}$/.test(name))
    throw new HotlineError('MEDIA_REJECTED', `not a recording name: ${name.slice(0, 40)}`);
  return join(ctx.config.serverRecordingsDir, `${name}.${format}`);
}

interface Tracker {
  done: Promise<RecordingEvent>;
  finish(event: RecordingEvent): void;
}

/** Follows one recording by its path: RECORD_START/STOP or conference start/stop-recording. */
export function track(
  ctx: FsContext,
  name: string,
  path: string,
  maxSeconds: number | undefined,
  stop: () => Promise<void>,
): Tracker {
  let settle: (e: RecordingEvent) => void = () => undefined;
  const done = new Promise<RecordingEvent>((resolve) => (settle = resolve));
  let timer: NodeJS.Timeout | undefined;
  const finish = (event: RecordingEvent): void => {
    if (!ctx.recordings.has(path)) return;
    ctx.recordings.delete(path);
    clearTimeout(timer);
    settle(event);
  };
  ctx.recordings.set(path, (event) => {
    if (event.type !== 'recording-started') finish({ ...event, name });
  });
  // Conference recordings have no limit of their own: the adapter stops them.
  if (maxSeconds)
    timer = setTimeout(
      () =>
        void stop().catch(ignored(ctx.log, 'stopping a conference recording at its time limit')),
      maxSeconds * 1000 + 100,
    );
  timer?.unref();
  return { done, finish };
}

/**
 * What the caller says, on the channel itself (voicemail): mod_dptools `record`, which ends at
 * the time limit, after `silence_hits` seconds of quiet, on a `playback_terminators` key, or on
 * uuid_break. Done when the application completes.
 */
export async function channelRecording(
  ctx: FsContext,
  channel: FsChannel,
  opts: ChannelRecordOptions,
): Promise<Recording> {
  const path = serverPath(ctx, opts.name, opts.format);
  const terminators = { none: 'none', any: 'any', '#': '#', '*': '*' }[opts.terminateOn ?? 'none'];
  await channel.setVariable('playback_terminators', terminators, opts);
  if (opts.beep)
    await channel.guard(
      'beep',
      opts,
      () =>
        ctx.conn().execute(channel.id, 'playback', 'tone_stream://%(250,0,1000)', opts).accepted,
    );
  const run = ctx
    .conn()
    .execute(
      channel.id,
      'record',
      `${path} ${opts.maxDurationSeconds ?? 0} 200 ${opts.maxSilenceSeconds ?? 0}`,
      opts,
    );
  const t = track(ctx, opts.name, path, undefined, () => Promise.resolve());
  void run.completed.then(
    () => t.finish({ type: 'recording-finished', name: opts.name }),
    () => t.finish({ type: 'recording-finished', name: opts.name }),
  );
  try {
    await channel.guard('record', opts, () => run.accepted);
  } catch (err) {
    t.finish({ type: 'recording-failed', name: opts.name, reason: String(err) });
    throw err;
  }
  let running = true;
  void t.done.then(() => (running = false));
  return {
    name: opts.name,
    done: t.done,
    async stop(stopOpts: WaitOptions): Promise<void> {
      if (!running) return;
      await ctx
        .api(`uuid_break ${channel.id}`, { ...stopOpts, silent: true })
        .catch(ignored(ctx.log, 'stopping a voicemail recording'));
    },
    pause: () =>
      Promise.reject(
        new HotlineError('MEDIA_UNSUPPORTED', 'a voicemail recording cannot pause on FreeSWITCH'),
      ),
    resume: () =>
      Promise.reject(
        new HotlineError('MEDIA_UNSUPPORTED', 'a voicemail recording cannot pause on FreeSWITCH'),
      ),
  };
}

/**
 * Only what the caller says, while prompts go on playing (a speech turn): `uuid_record` with
 * RECORD_READ_ONLY, a media bug that does not disturb the running application.
 */
export async function callerRecording(
  ctx: FsContext,
  channel: FsChannel,
  opts: RecordOptions,
): Promise<Recording> {
  const path = serverPath(ctx, opts.name, opts.format);
  const stop = async (stopOpts: WaitOptions): Promise<void> => {
    await ctx
      .api(`uuid_record ${channel.id} stop ${path}`, stopOpts)
      .catch(ignored(ctx.log, 'stopping a caller recording'));
  };
  const t = track(ctx, opts.name, path, undefined, () =>
    stop({ timeoutMs: ctx.config.commandTimeoutMs }),
  );
  const offEnd = channel.on((ev) => {
    if (ev.type === 'ended') t.finish({ type: 'recording-finished', name: opts.name });
  });
  void t.done.then(offEnd);
  try {
    await channel.setVariable('RECORD_READ_ONLY', 'true', opts);
    await channel.guard('record', opts, (o) =>
      ctx.job(`uuid_record ${channel.id} start ${path} ${opts.maxDurationSeconds ?? 0}`, o),
    );
  } catch (err) {
    t.finish({ type: 'recording-failed', name: opts.name, reason: String(err) });
    throw err;
  } finally {
    await channel
      .setVariable('RECORD_READ_ONLY', 'false', { timeoutMs: ctx.config.commandTimeoutMs })
      .catch(ignored(ctx.log, 'resetting RECORD_READ_ONLY after starting a caller recording'));
  }
  return {
    name: opts.name,
    done: t.done,
    stop,
    pause: () =>
      Promise.reject(
        new HotlineError('MEDIA_UNSUPPORTED', 'a caller recording cannot pause on FreeSWITCH'),
      ),
    resume: () =>
      Promise.reject(
        new HotlineError('MEDIA_UNSUPPORTED', 'a caller recording cannot pause on FreeSWITCH'),
      ),
  };
}

/** A conference (bridge) recording: `conference <name> record|norecord <path>`, `recording pause|resume <path>`. */
export async function conferenceRecording(
  ctx: FsContext,
  conference: string,
  opts: RecordOptions,
): Promise<Recording> {
  const path = serverPath(ctx, opts.name, opts.format);
  const stop = async (stopOpts: WaitOptions): Promise<void> => {
    await ctx
      .api(`conference ${conference} norecord ${path}`, stopOpts)
      .catch(ignored(ctx.log, 'stopping a conference recording'));
  };
  const t = track(ctx, opts.name, path, opts.maxDurationSeconds, () =>
    stop({ timeoutMs: ctx.config.commandTimeoutMs }),
  );
  // The conference ending (its last member left) ends its recordings too.
  const off = ctx.onConference((ev) => {
    if (ev.conference === conference && ev.action === 'conference-destroy')
      t.finish({ type: 'recording-finished', name: opts.name });
  });
  void t.done.then(off);
  try {
    await withDeadline('conference record', opts, (signal) =>
      ctx.api(`conference ${conference} record ${path}`, { ...opts, signal }),
    );
  } catch (err) {
    t.finish({ type: 'recording-failed', name: opts.name, reason: String(err) });
    throw err;
  }
  return {
    name: opts.name,
    done: t.done,
    stop,
    pause: async (o) => {
      await ctx.api(`conference ${conference} recording pause ${path}`, o);
    },
    resume: async (o) => {
      await ctx.api(`conference ${conference} recording resume ${path}`, o);
    },
  };
}
