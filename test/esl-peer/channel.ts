import { APPS } from './apps.js';
import {
  type CallerProfile,
  type ChannelLike,
  causeName,
  channelHeaders,
  nowMicros,
  q850,
} from './events.js';
import type { Header } from './frames.js';
import {
  type AppContext,
  type AppFactory,
  type ChannelInit,
  type ExecuteOptions,
  type Frame,
  IDLE,
  type StopWhy,
} from './frame.js';
import { MediaBugs, setEndVariables } from './media-bugs.js';
import { type CallLogEntry, type World, newUuid } from './world.js';

/**
 * One channel (a Unique-ID) and the applications running on it.
 *
 * Applications form a stack, as in FreeSWITCH: the dialplan's application (park) is at the
 * bottom; `sendmsg` execute messages are queued as private events and run when the running
 * application parses events (switch_ivr_parse_all_events, called by park, the conference loop,
 * switch_ivr_play_file, switch_ivr_record_file and switch_ivr_sleep), which nests the new
 * application on top and pauses the one under it. While an application started with
 * `event-lock: true` runs, queued messages wait (CF_EVENT_LOCK). Each run emits CHANNEL_EXECUTE
 * and, when it returns, CHANNEL_EXECUTE_COMPLETE with Application-Response taken from the
 * `current_application_response` variable, `_none_` if never set (switch_core_session_exec).
 * When the dialplan's last application returns, the channel hangs up (NORMAL_CLEARING).
 */
interface Running {
  app: string;
  arg: string | undefined;
  appUuid: string;
  eventLock: boolean;
  loops: number;
  bare: boolean;
  frame: Frame | undefined;
  finished: boolean;
}

export class Channel implements ChannelLike {
  readonly uuid: string;
  readonly direction: 'inbound' | 'outbound';
  readonly codec: string;
  readonly profile: CallerProfile;
  readonly vars = new Map<string, string>();
  readonly log: CallLogEntry[] = [];
  readonly createdAt = Date.now();
  name: string;
  stateName = 'CS_INIT';
  stateNumber = 1;
  callState = 'RINGING';
  answerState = 'ringing';
  hitDialplan = false;
  hangupCause: string | undefined;
  answeredAt: number | undefined;
  gone = false;
  /** Set while the conference application runs (conference.ts). */
  conference: { name: string; memberId: number } | undefined;
  readonly ended: Promise<{ cause: string }>;
  readonly answered: Promise<void>;
  /** Run at hangup, before the applications unwind (originate uses it to stop ringing). */
  readonly onHangup: ((cause: string) => void)[] = [];
  readonly logListeners = new Set<(entry: CallLogEntry) => void>();
  private readonly stack: Running[] = [];
  private readonly queue: { app: string; arg: string | undefined; opts: ExecuteOptions }[] = [];
  /** Session recordings (uuid_record, record_session). */
  readonly bugs: MediaBugs = new MediaBugs(this);
  private extension: { apps: [string, string | undefined][]; index: number } | undefined;
  private unwinding = false;
  private digits = '';
  private talkingUntil = 0;
  private resolveEnded!: (v: { cause: string }) => void;
  private resolveAnswered!: () => void;

  constructor(
    readonly world: World,
    init: ChannelInit,
  ) {
    this.uuid = init.uuid;
    this.name = init.name;
    this.direction = init.direction;
    this.codec = init.codec;
    this.profile = init.profile;
    for (const [k, v] of init.vars) this.vars.set(k, v);
    this.ended = new Promise((r) => (this.resolveEnded = r));
    this.answered = new Promise((r) => (this.resolveAnswered = r));
    // Nobody has to await these; a rejection never happens (they only resolve).
  }

  get callUuid(): string {
    return this.uuid;
  }

  get isUp(): boolean {
    return !this.gone && !this.hangupCause;
  }

  get talking(): boolean {
    return Date.now() < this.talkingUntil;
  }

  /** The running application (top of the stack), for `show channels`. */
  get current(): { app: string; arg: string | undefined } | undefined {
    const top = this.stack[this.stack.length - 1];
    return top && { app: top.app, arg: top.arg };
  }

  note(entry: CallLogEntry): void {
    this.log.push(entry);
    for (const l of [...this.logListeners]) l(entry);
  }

  /** switch_channel_set_variable: a new value moves the variable to the end; undefined removes it. */
  setVar(name: string, value: string | undefined): void {
    this.vars.delete(name);
    if (value !== undefined) this.vars.set(name, value);
  }

  fire(
    name: string,
    opts: { prefix?: Header[]; suffix?: Header[]; verbose?: boolean; where?: string } = {},
  ): void {
    const headers = [
      ...this.world.factory.base(name, { where: opts.where }),
      ...(opts.prefix ?? []),
      ...channelHeaders(this, opts.verbose ?? true),
      ...(opts.suffix ?? []),
    ];
    this.world.fire({ name, headers });
  }

  /**
   * Marks the channel answered (CHANNEL_ANSWER, then Channel-Call-State ACTIVE). Answering an
   * outbound leg from our side does nothing (switch_channel_perform_answer returns at once for
   * outbound channels): only its far end answers it.
   */
  answer(by: 'local' | 'remote' = 'local'): boolean {
    if (!this.isUp || this.answerState === 'answered') return false;
    if (this.direction === 'outbound' && by === 'local') return true;
    this.answerState = 'answered';
    this.answeredAt = Date.now();
    this.profile.answeredUs = nowMicros();
    if (!this.profile.progressUs && this.direction === 'outbound')
      this.profile.progressUs = this.profile.answeredUs;
    this.fire('CHANNEL_ANSWER');
    this.callState = 'ACTIVE';
    this.setVar('endpoint_disposition', 'ANSWER');
    this.note({ type: 'answer' });
    this.resolveAnswered();
    return true;
  }

  /** The dialplan for this channel: its applications run one after the other (CS_EXECUTE). */
  runExtension(apps: [string, string | undefined][]): void {
    this.extension = { apps, index: 0 };
    this.hitDialplan = true;
    this.stateName = 'CS_EXECUTE';
    this.stateNumber = 4;
    this.nextExtensionApp();
  }

  private nextExtensionApp(): void {
    if (!this.extension || !this.isUp) return;
    const next = this.extension.apps[this.extension.index++];
    if (next) this.execute(next[0], next[1]);
    else this.hangup('NORMAL_CLEARING', 'local');
  }

  /** A sendmsg execute: queued, run when the running application parses events. */
  enqueue(app: string, arg: string | undefined, opts: ExecuteOptions): void {
    this.queue.push({ app, arg, opts });
    this.world.timers.defer(() => this.pump());
  }

  private top(): Running | undefined {
    return this.stack[this.stack.length - 1];
  }

  private pump(): boolean {
    if (!this.isUp || this.unwinding) return false;
    const top = this.top();
    if (!top?.frame?.parses || this.stack.some((r) => r.eventLock)) return false;
    const next = this.queue.shift();
    if (!next) return false;
    this.execute(next.app, next.arg, next.opts);
    return true;
  }

  execute(app: string, arg: string | undefined, opts: ExecuteOptions = {}): void {
    if (!this.isUp) return;
    const factory = opts.factory ?? APPS[app];
    if (!factory && this.world.opts.unknownApp === 'hangup') {
      // switch_core_session_execute_application_get_flags: "Invalid Application" hangs the channel up.
      this.hangup('DESTINATION_OUT_OF_ORDER', 'local');
      return;
    }
    const running: Running = {
      app,
      arg: arg || undefined,
      appUuid: opts.appUuid ?? newUuid(),
      eventLock: !!opts.eventLock,
      loops: opts.loops ?? 1,
      bare: !!opts.bare,
      frame: undefined,
      finished: false,
    };
    this.top()?.frame?.pause();
    this.setVar('current_application_data', running.arg);
    this.setVar('current_application', app);
    this.setVar('last_app', app);
    this.setVar('last_arg', running.arg);
    this.fire('CHANNEL_EXECUTE', {
      suffix: running.bare ? appHeaders(running).slice(0, -1) : appHeaders(running),
    });
    this.stack.push(running);
    const ctx: AppContext = {
      ch: this,
      world: this.world,
      arg: running.arg,
      appUuid: running.appUuid,
      done: (response) => this.complete(running, response),
    };
    running.frame = factory ? factory(ctx) : { ...IDLE, start: () => ctx.done() };
    running.frame.start();
    if (!running.finished && running.frame.parses && this.queue.length)
      this.world.timers.defer(() => this.pump());
  }

  private complete(running: Running, response?: string): void {
    if (running.finished) return;
    running.finished = true;
    const at = this.stack.indexOf(running);
    if (at >= 0) this.stack.splice(at, 1);
    if (response !== undefined) this.setVar('current_application_response', response);
    const resp = this.vars.get('current_application_response') ?? '_none_';
    if (!running.bare) this.fire('CHANNEL_EXECUTE_COMPLETE', { suffix: appHeaders(running, resp) });
    this.note({
      type: 'app',
      app: running.app,
      arg: running.arg,
      appUuid: running.appUuid,
      response: resp,
    });
    if (this.unwinding || !this.isUp) return;
    if (running.loops > 1) {
      this.execute(running.app, running.arg, {
        appUuid: running.appUuid,
        eventLock: running.eventLock,
        loops: running.loops - 1,
      });
      return;
    }
    if (this.pump()) return;
    const top = this.top();
    if (top) top.frame?.resume();
    else this.nextExtensionApp();
  }

  /** uuid_break: the innermost application stops (CF_BREAK); `all` also drops queued messages. */
  breakApp(all: boolean): void {
    if (all) this.queue.length = 0;
    const top = this.top();
    if (top?.frame && this.isUp) top.frame.stop('break');
  }

  receiveDtmf(digit: string, durationSamples: number, source: string): void {
    if (!this.isUp) return;
    this.digits += digit;
    this.fire('DTMF', {
      verbose: false,
      suffix: [
        ['DTMF-Digit', digit],
        ['DTMF-Duration', String(durationSamples)],
        ['DTMF-Source', source],
      ],
    });
    this.note({ type: 'dtmf-in', digit });
    this.top()?.frame?.dtmf(digit);
  }

  /** The caller speaks for `ms` (matters to silence detection in `record`). */
  speak(ms: number): void {
    this.talkingUntil = Math.max(this.talkingUntil, Date.now() + ms);
    this.top()?.frame?.speech();
    this.world.timers.after(ms, () => this.top()?.frame?.speech());
  }

  /** switch_ivr_session_transfer to an inline extension: every application returns, then the new ones run. */
  transfer(apps: [string, string | undefined][], to: string): void {
    if (!this.isUp) return;
    this.unwinding = true;
    this.unwind('transfer');
    this.unwinding = false;
    this.profile.transferUs = nowMicros();
    this.note({ type: 'transfer', to });
    this.runExtension(apps);
  }

  /**
   * Leaves the running applications as a transfer does, then runs `factory` as `app` with nothing
   * after it in the extension (switch_ivr_uuid_bridge: when the bridge ends, the channel hangs up).
   */
  takeOver(app: string, arg: string, factory: AppFactory, to: string): void {
    if (!this.isUp) return;
    this.unwinding = true;
    this.unwind('transfer');
    this.unwinding = false;
    this.profile.transferUs = nowMicros();
    this.note({ type: 'transfer', to });
    this.extension = { apps: [], index: 0 };
    this.execute(app, arg, { factory, bare: true });
  }

  private unwind(why: StopWhy): void {
    for (let top = this.top(); top; top = this.top()) {
      top.frame?.stop(why);
      if (!top.finished) this.complete(top);
    }
  }

  hangup(input: string, by: 'local' | 'remote'): void {
    if (!this.isUp) return;
    const cause = causeName(input);
    this.hangupCause = cause;
    this.answerState = 'hangup';
    this.stateNumber = 10;
    this.profile.hangupUs = nowMicros();
    for (const hook of this.onHangup.splice(0)) hook(cause);
    this.setVar('hangup_cause', cause);
    this.setVar('hangup_cause_q850', String(q850(cause)));
    const answered = this.answeredAt !== undefined;
    const disposition =
      by === 'remote'
        ? answered
          ? 'recv_bye'
          : this.direction === 'inbound'
            ? 'recv_cancel'
            : 'recv_refuse'
        : answered
          ? 'send_bye'
          : this.direction === 'inbound'
            ? 'send_refuse'
            : 'send_cancel';
    this.setVar('sip_hangup_disposition', disposition);
    this.fire('CHANNEL_HANGUP');
    this.unwinding = true;
    this.unwind('hangup');
    this.queue.length = 0;
    this.stateName = 'CS_HANGUP';
    this.bugs.stop('all', 'success-silence');
    setEndVariables(this, this.digits, cause);
    this.stateName = 'CS_REPORTING';
    this.stateNumber = 11;
    this.callState = 'HANGUP';
    this.fire('CHANNEL_HANGUP_COMPLETE', { prefix: [['Hangup-Cause', cause]] });
    this.stateName = 'CS_DESTROY';
    this.stateNumber = 12;
    this.fire('CHANNEL_DESTROY', { verbose: false });
    this.gone = true;
    this.note({ type: 'hangup', cause, by });
    this.world.channelGone(this);
    this.resolveEnded({ cause });
  }

  /** The peer was closed: the channel is gone without events. */
  vanish(): void {
    if (this.gone) return;
    this.gone = true;
    this.hangupCause ??= 'CRASH';
    this.resolveEnded({ cause: this.hangupCause });
  }
}

function appHeaders(r: Running, response?: string): Header[] {
  const h: Header[] = [['Application', r.app]];
  if (r.arg) h.push(['Application-Data', r.arg]);
  if (response !== undefined) h.push(['Application-Response', response]);
  h.push(['Application-UUID', r.appUuid]);
  return h;
}
