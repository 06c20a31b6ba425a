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
import type { ConferenceEvent, FsContext } from './context.js';
import { channelRecording, callerRecording } from './recording.js';
import { HANGUP_CAUSES, playbackArg, playedToEnd } from './translate.js';
import { ignored } from '../../../lib/settle.js';

type Listener = (event: ChannelEvent) => void;

/** One FreeSWITCH channel (a `Unique-ID`), driven with uuid_* commands and sendmsg execute. */
export class FsChannel implements Channel {
  private readonly events: ChannelEvents;
  /** Application-UUID of a queued playback -> what to do when FreeSWITCH starts running it. */
  private readonly queued = new Map<string, () => void>();

  constructor(
    private readonly ctx: FsContext,
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

  deliver(event: ChannelEvent): void {
    this.events.deliver(event);
    if (event.type === 'ended') this.queued.clear();
  }

  /** CHANNEL_EXECUTE for one of our applications: it is running now. */
  executing(appUuid: string): void {
    const run = this.queued.get(appUuid);
    this.queued.delete(appUuid);
    run?.();
  }

  on(listener: Listener): Unsubscribe {
    return this.events.on(listener);
  }

  listenerCount(): number {
    return this.events.count();
  }

  async answer(opts: WaitOptions): Promise<void> {
    await this.guard('answer', opts, (o) => this.ctx.job(`uuid_answer ${this.id}`, o));
  }

  async play(media: Media | Media[], opts: PlayOptions): Promise<Playback> {
    const list = Array.isArray(media) ? media : [media];
    const arg = playbackArg(list, this.ctx.config);
    const id = opts.playbackId ?? randomUUID();
    const member = this.ctx.members.get(this.id);
    return member ? this.playInConference(id, arg, member, opts) : this.playAlone(id, arg, opts);
  }

  /** `playback` through sendmsg: started at its CHANNEL_EXECUTE, done at its EXECUTE_COMPLETE. */
  private async playAlone(id: string, arg: string, opts: PlayOptions): Promise<Playback> {
    const ctx = this.ctx;
    let state: 'queued' | 'running' | 'over' = 'queued';
    let stopped = false;
    const channelId = this.id;
    const breakIt = (): void => {
      void ctx
        .api(`uuid_break ${channelId}`, { timeoutMs: ctx.config.commandTimeoutMs, silent: true })
        .catch(ignored(ctx.log, 'breaking a playback'));
    };
    const run = this.guardSync(() =>
      ctx
        .conn()
        .execute(channelId, 'playback', arg, { ...opts, signal: opts.signal ?? this.ended }),
    );
    ctx.playbacks.set(id, channelId);
    this.queued.set(run.eventUuid, () => {
      state = 'running';
      this.deliver({ type: 'playback-started', channelId, playbackId: id });
      // Stopped while it waited its turn: cut it as soon as it starts.
      if (stopped) breakIt();
    });
    const done = run.completed
      .then(
        (m) => !stopped && playedToEnd(m),
        () => false,
      )
      .then((completed) => {
        state = 'over';
        ctx.playbacks.delete(id);
        this.queued.delete(run.eventUuid);
        this.deliver({ type: 'playback-finished', channelId, playbackId: id, completed });
        return completed;
      });
    try {
      await this.guard('playback', opts, () => run.accepted);
    } catch (err) {
      ctx.playbacks.delete(id);
      throw err;
    }
    return {
      id,
      done,
      async stop(): Promise<void> {
        if (state === 'over' || stopped) return;
        stopped = true;
        if (state === 'running') breakIt();
        await Promise.resolve();
      },
    };
  }

  /**
   * A channel in a conference (waiting on hold, say) is played to as a member, over the music:
   * `conference <name> play <file> <member>`, with play-file-member(-done) events.
   */
  private async playInConference(
    id: string,
    arg: string,
    member: { conference: string; memberId: string },
    opts: PlayOptions,
  ): Promise<Playback> {
    const ctx = this.ctx;
    let stopped = false;
    let settle: (completed: boolean) => void = () => undefined;
    const done = new Promise<boolean>((resolve) => (settle = resolve));
    const channelId = this.id;
    const offConf = ctx.onConference((ev: ConferenceEvent) => {
      if (ev.channelId !== channelId) return;
      if (ev.action === 'play-file-member' && ev.file === arg)
        this.deliver({ type: 'playback-started', channelId, playbackId: id });
      else if (ev.action === 'play-file-member-done' && ev.file === arg) finish(!stopped);
      else if (ev.action === 'del-member') finish(false);
    });
    // The end of the call, or a resync after a lost connection (whose conference events are gone),
    // also ends it: `done` never waits on an event that cannot come.
    const offEnd = this.on((ev) => {
      if (ev.type === 'ended' || (ev.type === 'playback-finished' && ev.playbackId === id))
        finish(false);
    });
    let settled = false;
    function finish(completed: boolean): void {
      if (settled) return;
      settled = true;
      offConf();
      offEnd();
      ctx.playbacks.delete(id);
      settle(completed);
    }
    ctx.playbacks.set(id, channelId);
    // Reported here unless a resync already reported it cut.
    let reported = false;
    const offReport = this.on((ev) => {
      if (ev.type === 'playback-finished' && ev.playbackId === id) reported = true;
    });
    void done.then((completed) => {
      offReport();
      if (!reported)
        this.deliver({ type: 'playback-finished', channelId, playbackId: id, completed });
    });
    try {
      await this.guard('playback', opts, (o) =>
        ctx.api(`conference ${member.conference} play ${arg} ${member.memberId}`, o),
      );
    } catch (err) {
      finish(false);
      throw err;
    }
    return {
      id,
      done,
      async stop(stopOpts: WaitOptions): Promise<void> {
        if (settled || stopped) return;
        stopped = true;
        await ctx
          .api(`conference ${member.conference} stop current ${member.memberId}`, stopOpts)
          .catch(ignored(ctx.log, 'stopping a conference playback'));
      },
    };
  }

  async sendDtmf(digits: string, opts: WaitOptions): Promise<void> {
    // FreeSWITCH pauses on 'w' (500 ms); Asterisk's ',' means the same here.
    const keys = digits.replace(/,/g, 'w');
    await this.guard('send DTMF', opts, (o) =>
      this.ctx.api(`uuid_send_dtmf ${this.id} ${keys}`, { ...o, silent: true }),
    );
  }

  /** Set once a hang-up was delivered, so a later one cannot change the cause (see the Asterisk channel). */
  private hungUp = false;

  async hangup(cause: keyof typeof HANGUP_CAUSES = 'normal'): Promise<void> {
    if (this.ended.aborted || this.hungUp) return;
    try {
      await this.ctx.job(`uuid_kill ${this.id} ${HANGUP_CAUSES[cause]}`, {
        timeoutMs: this.ctx.config.commandTimeoutMs,
      });
      this.hungUp = true;
      this.ctx.pendingHangups.delete(this.id);
    } catch (err) {
      if (isHotlineError(err, 'MEDIA_NOT_FOUND')) return;
      // Not delivered: sent again after reconnecting, so no call is left behind.
      this.ctx.pendingHangups.add(this.id);
      throw err;
    }
  }

  record(opts: ChannelRecordOptions): Promise<Recording> {
    return channelRecording(this.ctx, this, { ...opts, signal: opts.signal ?? this.ended });
  }

  recordCaller(opts: RecordOptions): Promise<Recording> {
    return callerRecording(this.ctx, this, { ...opts, signal: opts.signal ?? this.ended });
  }

  snoop(
    _opts: WaitOptions & { spy: SnoopDirection; whisper: SnoopDirection },
  ): Promise<{ id: string; hangup(): Promise<void> }> {
    return Promise.reject(
      new HotlineError(
        'MEDIA_UNSUPPORTED',
        'listening and whispering are not available on FreeSWITCH yet (barge is)',
      ),
    );
  }

  detectTalking(_opts: WaitOptions & { silenceMs: number; thresholdMs: number }): Promise<void> {
    return Promise.reject(
      new HotlineError('MEDIA_UNSUPPORTED', 'FreeSWITCH has no talk detection on a plain channel'),
    );
  }

  async setVariable(name: string, value: string, opts: WaitOptions): Promise<void> {
    checkName(name);
    await this.guard('set variable', opts, (o) =>
      this.ctx.api(`uuid_setvar ${this.id} ${name} ${value}`, o),
    );
  }

  async getVariable(name: string, opts: WaitOptions): Promise<string | undefined> {
    checkName(name);
    const value = await this.guard('get variable', opts, (o) =>
      this.ctx.api(`uuid_getvar ${this.id} ${name}`, o),
    );
    return value === '_undef_' ? undefined : value;
  }

  /** Runs a command for this channel; a channel FreeSWITCH no longer has means the call ended. */
  async guard<T>(
    what: string,
    opts: WaitOptions,
    work: (opts: WaitOptions) => Promise<T>,
  ): Promise<T> {
    if (this.ended.aborted) throw new HotlineError('CALL_ENDED', `channel ended before ${what}`);
    try {
      return await work({ ...opts, signal: opts.signal ?? this.ended });
    } catch (err) {
      if (isHotlineError(err, 'MEDIA_NOT_FOUND') || this.ended.aborted)
        throw new HotlineError('CALL_ENDED', `channel ended during ${what}`, { cause: err });
      throw err;
    }
  }

  private guardSync<T>(work: () => T): T {
    if (this.ended.aborted) throw new HotlineError('CALL_ENDED', 'channel already ended');
    return work();
  }
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9_.()-]{1,64}$/.test(name))
    throw new HotlineError(
      'MEDIA_REJECTED',
      `not a variable name FreeSWITCH accepts: ${name.slice(0, 40)}`,
    );
}
