import { randomUUID } from 'node:crypto';
import { HotlineError, isHotlineError } from '../../../lib/errors.js';
import type { Unsubscribe, WaitOptions } from '../../../lib/wait.js';
import type {
  Channel,
  ChannelEvent,
  ChannelInfo,
  ChannelRecordOptions,
  Media,
  PlayOptions,
  Playback,
  RecordOptions,
  Recording,
  SnoopDirection,
} from '../types.js';
import { ChannelEvents } from '../channel-events.js';
import { SNOOP_ARG } from './translate.js';
import type { AriContext, ChannelListener } from './context.js';
import { startRecording } from './recording.js';
import { ignored } from '../../../lib/settle.js';

const HANGUP_REASONS = {
  normal: 'normal',
  busy: 'busy',
  congestion: 'congestion',
  'no-answer': 'no_answer',
} as const;

export class AriChannel implements Channel {
  private readonly events: ChannelEvents;

  constructor(
    private readonly ctx: AriContext,
    public readonly info: ChannelInfo,
  ) {
    this.events = new ChannelEvents(info, ctx.log);
  }

  get id(): string {
    return this.info.id;
  }

  get ended(): AbortSignal {
    return this.events.ended;
  }

  /** Delivers an event to listeners; `ended` is delivered once, then the channel is closed. */
  deliver(event: ChannelEvent): void {
    this.events.deliver(event);
  }

  on(listener: ChannelListener): Unsubscribe {
    return this.events.on(listener);
  }

  listenerCount(): number {
    return this.events.count();
  }

  async answer(opts: WaitOptions): Promise<void> {
    await this.command('POST', '/answer', opts);
  }

  async play(media: Media | Media[], opts: PlayOptions): Promise<Playback> {
    const list = Array.isArray(media) ? media : [media];
    const uris = list.map((m) => mediaUri(m, this.ctx.config.promptDir));
    const id = opts.playbackId ?? randomUUID();
    // Listen before asking: PlaybackFinished can arrive before the REST reply.
    let settle: (completed: boolean) => void = () => undefined;
    const done = new Promise<boolean>((resolve) => (settle = resolve));
    const off = this.on((ev) => {
      if (ev.type === 'playback-finished' && ev.playbackId === id) finish(ev.completed);
      else if (ev.type === 'ended') finish(false);
    });
    const finish = (completed: boolean): void => {
      off();
      this.ctx.playbacks.delete(id);
      this.ctx.stoppedPlaybacks.delete(id);
      settle(completed);
    };
    this.ctx.playbacks.set(id, this.id);
    try {
      await this.command('POST', `/play/${encodeURIComponent(id)}`, {
        ...opts,
        query: { media: uris.join(',') },
      });
    } catch (err) {
      finish(false);
      throw err;
    }
    const ctx = this.ctx;
    return {
      id,
      done,
      async stop(stopOpts: WaitOptions): Promise<void> {
        if (!ctx.playbacks.has(id)) return;
        ctx.stoppedPlaybacks.add(id);
        try {
          await ctx.rest.request('DELETE', `/playbacks/${encodeURIComponent(id)}`, stopOpts);
        } catch (err) {
          ctx.stoppedPlaybacks.delete(id);
          // Already finished: nothing to stop.
          if (!isHotlineError(err, 'MEDIA_NOT_FOUND')) throw err;
        }
      },
    };
  }

  async sendDtmf(digits: string, opts: WaitOptions): Promise<void> {
    await this.command('POST', '/dtmf', {
      ...opts,
      query: { dtmf: digits, between: 100, duration: 100 },
    });
  }

  /**
   * Set once a hang-up was delivered: a second one (say, 'normal' after a 'congestion' refusal)
   * would overwrite the cause the caller's side hears.
   */
  private hungUp = false;

  async hangup(cause: keyof typeof HANGUP_REASONS = 'normal'): Promise<void> {
    if (this.ended.aborted || this.hungUp) return;
    try {
      await this.ctx.rest.request('DELETE', `/channels/${encodeURIComponent(this.id)}`, {
        timeoutMs: this.ctx.config.commandTimeoutMs,
        query: { reason: HANGUP_REASONS[cause] },
      });
      this.hungUp = true;
      this.ctx.pendingHangups.delete(this.id);
    } catch (err) {
      if (isHotlineError(err, 'MEDIA_NOT_FOUND')) return;
      // Not delivered: the adapter sends it again after reconnecting, so no call is left behind.
      this.ctx.pendingHangups.add(this.id);
      throw err;
    }
  }

  record(opts: ChannelRecordOptions): Promise<Recording> {
    return startRecording(this.ctx, `/channels/${encodeURIComponent(this.id)}`, {
      ...opts,
      signal: opts.signal ?? this.ended,
    });
  }

  async snoop(
    opts: WaitOptions & { spy: SnoopDirection; whisper: SnoopDirection },
  ): Promise<{ id: string; hangup(): Promise<void> }> {
    const ctx = this.ctx;
    const snoopId = randomUUID();
    await this.command('POST', '/snoop', {
      ...opts,
      query: {
        spy: opts.spy,
        whisper: opts.whisper,
        app: ctx.config.app,
        appArgs: SNOOP_ARG,
        snoopId,
      },
    });
    return {
      id: snoopId,
      hangup: async () => {
        await ctx.rest
          .request('DELETE', `/channels/${snoopId}`, { timeoutMs: ctx.config.commandTimeoutMs })
          .catch(ignored(ctx.log, 'removing the spy channel'));
      },
    };
  }

  async recordCaller(opts: RecordOptions): Promise<Recording> {
    const ctx = this.ctx;
    const snoopId = randomUUID();
    await this.command('POST', '/snoop', {
      ...opts,
      query: { spy: 'in', whisper: 'none', app: ctx.config.app, appArgs: SNOOP_ARG, snoopId },
    });
    const hangupSpy = (): Promise<unknown> =>
      ctx.rest
        .request('DELETE', `/channels/${snoopId}`, { timeoutMs: ctx.config.commandTimeoutMs })
        .catch(ignored(ctx.log, 'removing the recording spy on the caller'));
    try {
      // The spy joins the application a moment after it is created: a record before that is refused.
      for (let attempt = 0; ; attempt++) {
        try {
          const recording = await startRecording(ctx, `/channels/${snoopId}`, opts);
          void recording.done.then(hangupSpy);
          return recording;
        } catch (err) {
          if (
            attempt >= 10 ||
            !(isHotlineError(err, 'MEDIA_CONFLICT') || isHotlineError(err, 'MEDIA_NOT_FOUND'))
          )
            throw err;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    } catch (err) {
      await hangupSpy();
      throw err;
    }
  }

  async detectTalking(
    opts: WaitOptions & { silenceMs: number; thresholdMs: number },
  ): Promise<void> {
    await this.setVariable('TALK_DETECT(set)', `${opts.silenceMs},${opts.thresholdMs}`, opts);
  }

  async setVariable(name: string, value: string, opts: WaitOptions): Promise<void> {
    await this.command('POST', '/variable', { ...opts, query: { variable: name, value } });
  }

  async getVariable(name: string, opts: WaitOptions): Promise<string | undefined> {
    // Not via command(): here a 404 may mean "no such variable" rather than "no such channel".
    try {
      const res = await this.ctx.rest.request<{ value?: string }>(
        'GET',
        `/channels/${encodeURIComponent(this.id)}/variable`,
        {
          ...opts,
          signal: opts.signal ?? this.ended,
          query: { variable: name },
        },
      );
      return res?.value;
    } catch (err) {
      if (this.ended.aborted)
        throw new HotlineError('CALL_ENDED', `channel ended while reading ${name}`, { cause: err });
      if (isHotlineError(err, 'MEDIA_NOT_FOUND')) return undefined;
      throw err;
    }
  }

  private async command<T = unknown>(
    method: 'GET' | 'POST' | 'DELETE',
    suffix: string,
    opts: WaitOptions & { query?: Record<string, string | number | undefined> },
  ): Promise<T> {
    // Sessions pass the call's signal, which already ends with the channel.
    const signal = opts.signal ?? this.ended;
    try {
      return await this.ctx.rest.request<T>(
        method,
        `/channels/${encodeURIComponent(this.id)}${suffix}`,
        { ...opts, signal },
      );
    } catch (err) {
      // A 404 on a channel we hold means it hung up under us: report it as the call ending.
      if (isHotlineError(err, 'MEDIA_NOT_FOUND') || this.ended.aborted) {
        throw new HotlineError('CALL_ENDED', `channel ended during ${method} ${suffix}`, {
          cause: err,
        });
      }
      throw err;
    }
  }
}

export function mediaUri(media: Media, promptDir: string): string {
  switch (media.type) {
    case 'prompt':
      return `sound:${promptDir}/${media.language}/${media.id}`;
    case 'sound':
      return `sound:${media.name}`;
    case 'file':
      return `sound:${media.path}`;
    case 'tone':
      return `tone:${media.tone}`;
    case 'digits':
      return `digits:${media.digits}`;
  }
}
