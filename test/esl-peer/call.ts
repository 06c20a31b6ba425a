import type { Channel } from './channel.js';
import type { CallLogEntry, World } from './world.js';

export interface PressOptions {
  /** How long each key is held; DTMF-Duration is this in 8 kHz samples (captured: 2240 = 280 ms). */
  durationMs?: number;
  /** Pause between keys (default 0: one key per timer turn). */
  gapMs?: number;
}

/**
 * The far end of one channel, as a test drives it: the caller of an inbound call, or the
 * answering endpoint of an originated leg.
 */
export class PeerCall {
  constructor(
    private readonly ch: Channel,
    private readonly world: World,
  ) {}

  get id(): string {
    return this.ch.uuid;
  }

  get direction(): 'inbound' | 'outbound' {
    return this.ch.direction;
  }

  get channelName(): string {
    return this.ch.name;
  }

  get state(): 'ringing' | 'answered' | 'ended' {
    return this.ch.gone ? 'ended' : this.ch.answerState === 'answered' ? 'answered' : 'ringing';
  }

  /** Resolves with the hangup cause when the channel is gone (HANGUP_COMPLETE was sent). */
  get ended(): Promise<{ cause: string }> {
    return this.ch.ended;
  }

  get answered(): Promise<void> {
    return this.ch.answered;
  }

  /** What happened on the channel: applications, files played, recordings, keys, hangup. */
  get events(): readonly CallLogEntry[] {
    return this.ch.log;
  }

  /** A copy of the channel variables. */
  get variables(): Record<string, string> {
    return Object.fromEntries(this.ch.vars);
  }

  /** The conference the channel is in, with its member id. */
  get conference(): { name: string; memberId: number } | undefined {
    return this.ch.conference;
  }

  /** The caller presses keys (RFC 2833: DTMF events with DTMF-Source RTP). */
  press(digits: string, opts: PressOptions = {}): Promise<void> {
    const samples = Math.round((opts.durationMs ?? 280) * 8);
    const keys = [...digits];
    return new Promise((resolve) => {
      const next = (): void => {
        const key = keys.shift();
        if (key === undefined || this.ch.gone) {
          resolve();
          return;
        }
        this.ch.receiveDtmf(key, samples, 'RTP');
        if (keys.length) this.world.timers.after(opts.gapMs ?? 0, next);
        else resolve();
      };
      this.world.timers.after(0, next);
    });
  }

  /** The far end hangs up (BYE, or CANCEL before the answer: pass ORIGINATOR_CANCEL). */
  hangup(cause = 'NORMAL_CLEARING'): Promise<{ cause: string }> {
    this.ch.hangup(cause, 'remote');
    return this.ch.ended;
  }

  /** An originated leg that is ringing answers now. */
  answer(): boolean {
    return this.ch.direction === 'outbound' && this.ch.answer('remote');
  }

  /** An originated leg that is ringing is refused (e.g. USER_BUSY, CALL_REJECTED). */
  reject(cause = 'CALL_REJECTED'): void {
    if (this.ch.answerState !== 'answered') this.ch.hangup(cause, 'remote');
  }

  /** The caller talks for `ms` (silence detection of `record`). */
  speak(ms: number): void {
    this.ch.speak(ms);
  }

  /** Resolves with the first log entry (past or future) that matches. */
  waitFor(match: (e: CallLogEntry) => boolean, timeoutMs = 5000): Promise<CallLogEntry> {
    const seen = this.ch.log.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const listener = (e: CallLogEntry): void => {
        if (!match(e)) return;
        cancel();
        this.ch.logListeners.delete(listener);
        resolve(e);
      };
      const cancel = this.world.timers.after(timeoutMs, () => {
        this.ch.logListeners.delete(listener);
        reject(new Error(`esl-peer: no matching event on ${this.ch.uuid} within ${timeoutMs} ms`));
      });
      this.ch.logListeners.add(listener);
    });
  }
}
