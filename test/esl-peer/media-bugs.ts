import type { Channel } from './channel.js';
import { localStamp } from './events.js';
import { touch } from './frame.js';
import { writeSilenceWav } from './wav.js';

/**
 * Session recordings: uuid_record / record_session, a media bug on the channel
 * (switch_ivr_async.c record_callback). RECORD_START when it starts; RECORD_STOP with
 * Record-File-Path and Record-Completion-Cause when it ends: `success-maxtime` when stopped or at
 * the limit while the channel is up, `success-silence` at hangup (speech counts as detected when
 * no silence threshold is set), as record_callback sets it. The WAV (8 kHz, 16 bit, mono,
 * silence) lasts the recorded time; record_* variables are set as captured.
 */
interface Bug {
  startedAt: number;
  readOnly: boolean;
  cancel: (() => void) | undefined;
}

export class MediaBugs {
  private readonly bugs = new Map<string, Bug>();

  constructor(private readonly ch: Channel) {}

  get paths(): string[] {
    return [...this.bugs.keys()];
  }

  start(path: string, limitSec: number): boolean {
    const ch = this.ch;
    if (!ch.isUp || this.bugs.has(path) || !touch(path)) return false;
    // RECORD_READ_ONLY=true records only what the caller says; with no audio it is only noted.
    const readOnly = /^(true|yes|on|1)$/i.test(ch.vars.get('RECORD_READ_ONLY') ?? '');
    ch.fire('RECORD_START', { suffix: [['Record-File-Path', path]] });
    const bug: Bug = { startedAt: Date.now(), readOnly, cancel: undefined };
    if (limitSec > 0)
      bug.cancel = ch.world.timers.after(limitSec * 1000, () => this.stop(path, 'success-maxtime'));
    this.bugs.set(path, bug);
    return true;
  }

  /** Stops one recording (or `all`); false when there was none. */
  stop(path: string, cause: string): boolean {
    const ch = this.ch;
    let stopped = false;
    for (const p of path === 'all' ? this.paths : [path]) {
      const bug = this.bugs.get(p);
      if (!bug) continue;
      this.bugs.delete(p);
      bug.cancel?.();
      const ms = Date.now() - bug.startedAt;
      const samples = writeSilenceWav(p, ms);
      ch.setVar('record_file_size', String(44 + samples * 2));
      ch.setVar('record_samples', String(samples));
      ch.setVar('record_seconds', String(Math.floor(ms / 1000)));
      ch.setVar('record_ms', String(ms));
      ch.setVar('record_completion_cause', cause);
      ch.fire('RECORD_STOP', {
        suffix: [
          ['Record-File-Path', p],
          ['Record-Completion-Cause', cause],
        ],
      });
      ch.note({
        type: 'record',
        kind: 'session',
        path: p,
        ms,
        reason: cause,
        readOnly: bug.readOnly,
      });
      stopped = true;
    }
    return stopped;
  }
}

/** The CDR variables switch_core_session_reporting_state leaves on CHANNEL_HANGUP_COMPLETE. */
export function setEndVariables(ch: Channel, digits: string, cause: string): void {
  const now = Date.now();
  const start = ch.createdAt;
  const answered = ch.answeredAt;
  const p = ch.profile;
  const set = (name: string, value: string): void => ch.setVar(name, value);
  set('digits_dialed', digits || 'none');
  set('start_stamp', localStamp(new Date(start)));
  if (answered) set('answer_stamp', localStamp(new Date(answered)));
  set('end_stamp', localStamp(new Date(now)));
  set('start_epoch', String(Math.floor(start / 1000)));
  set('start_uepoch', String(p.createdUs));
  set('answer_epoch', String(answered ? Math.floor(answered / 1000) : 0));
  set('answer_uepoch', String(p.answeredUs));
  set('end_epoch', String(Math.floor(now / 1000)));
  set('end_uepoch', String(p.hangupUs));
  set('caller_id', `"${p.callerIdName}" <${p.callerIdNumber}>`);
  set('duration', String(Math.floor((now - start) / 1000)));
  set('billsec', String(answered ? Math.floor((now - answered) / 1000) : 0));
  set('mduration', String(now - start));
  set('billmsec', String(answered ? now - answered : 0));
  set('hangup_cause', cause);
}
