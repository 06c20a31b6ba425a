import { type AppContext, type AppFactory, type StopWhy, touch } from './frame.js';
import { conferenceApp } from './conference-app.js';
import { writeSilenceWav } from './wav.js';

/**
 * Dialplan applications (mod_dptools) as the peer runs them. Each returns a Frame; the channel
 * emits CHANNEL_EXECUTE before start() and CHANNEL_EXECUTE_COMPLETE when ctx.done() is called.
 */

/** A timer that can be paused while a nested application runs (the outer loop is blocked then). */
class PausableTimer {
  private remaining: number;
  private startedAt: number | undefined;
  private cancel: (() => void) | undefined;
  private ran = 0;

  constructor(
    private readonly ctx: AppContext,
    ms: number,
    private readonly fire: () => void,
  ) {
    this.remaining = ms;
  }

  start(): void {
    this.startedAt = Date.now();
    if (Number.isFinite(this.remaining))
      this.cancel = this.ctx.world.timers.after(this.remaining, this.fire);
  }

  /** Also used to stop: the elapsed time freezes. */
  pause(): void {
    if (this.startedAt === undefined) return;
    const ran = Date.now() - this.startedAt;
    this.ran += ran;
    this.remaining -= ran;
    this.startedAt = undefined;
    this.cancel?.();
    this.cancel = undefined;
  }

  /** Time it ran, pauses excluded. */
  elapsed(): number {
    return this.ran + (this.startedAt === undefined ? 0 : Date.now() - this.startedAt);
  }
}

/** on_dtmf in mod_dptools: playback_terminators (default `*`; `none`; `any` = every key). */
export function isTerminator(ctx: AppContext, digit: string): boolean {
  let t = ctx.ch.vars.get('playback_terminators') ?? '*';
  if (t.toLowerCase() === 'none') return false;
  if (t.toLowerCase() === 'any') t = '0123456789*#ABCD';
  return t.includes(digit);
}

const noop = (): void => undefined;

function instant(run: (ctx: AppContext) => string | undefined): AppFactory {
  return (ctx) => ({
    parses: false,
    start: () => ctx.done(run(ctx)),
    pause: noop,
    resume: noop,
    stop: () => ctx.done(),
    dtmf: noop,
    speech: noop,
  });
}

/**
 * playback: PLAYBACK_START, the file's time, PLAYBACK_STOP (done|break); FILE PLAYED / FILE NOT
 * FOUND / PLAYBACK ERROR.
 */
const playback: AppFactory = (ctx) => {
  const file = ctx.arg ?? '';
  const media = ctx.world.media(file);
  let running = true;
  const timer = new PausableTimer(ctx, media.kind === 'timed' ? media.ms : Infinity, () =>
    finish('done'),
  );
  const typeHeader = (): [string, string][] =>
    media.kind !== 'notfound' && media.fileType ? [['Playback-File-Type', media.fileType]] : [];
  const finish = (how: 'done' | 'break' | 'error'): void => {
    if (!running) return;
    running = false;
    timer.pause();
    const ms = Math.round(timer.elapsed());
    const samples = Math.round(ms * 8);
    ctx.ch.setVar('playback_last_offset_pos', String(samples));
    ctx.ch.setVar('playback_seconds', String(Math.floor(ms / 1000)));
    ctx.ch.setVar('playback_ms', String(ms));
    ctx.ch.setVar('playback_samples', String(samples));
    ctx.ch.fire('PLAYBACK_STOP', {
      suffix: [
        ...typeHeader(),
        ['Playback-File-Path', file],
        ['Playback-Status', how === 'break' ? 'break' : 'done'],
      ],
    });
    ctx.ch.note({ type: 'playback', file, status: how, completed: how === 'done', ms });
    ctx.done(how === 'error' ? 'PLAYBACK ERROR' : 'FILE PLAYED');
  };
  return {
    parses: true,
    start() {
      if (media.kind === 'notfound') {
        running = false;
        ctx.ch.note({ type: 'playback', file, status: 'notfound', completed: false, ms: 0 });
        ctx.done('FILE NOT FOUND');
        return;
      }
      ctx.ch.setVar('playback_terminator_used', '');
      ctx.ch.fire('PLAYBACK_START', { suffix: [...typeHeader(), ['Playback-File-Path', file]] });
      timer.start();
    },
    pause: () => running && timer.pause(),
    resume: () => running && timer.start(),
    stop: (why: StopWhy) => (running ? finish(why === 'break' ? 'break' : 'error') : ctx.done()),
    dtmf(digit) {
      if (running && isTerminator(ctx, digit)) {
        ctx.ch.setVar('playback_terminator_used', digit);
        finish('break');
      }
    },
    speech: noop,
  };
};

/**
 * record <path> [<limit_secs>] [<silence_thresh>] [<silence_hits>] (switch_ivr_record_file):
 * ends at the limit, on a terminator key, on uuid_break, after silence_hits seconds of silence
 * (when a threshold is given; 3 s by default), or at hangup. RECORD_STOP carries only
 * Record-File-Path, as switch_ivr_record_file fires it; the reason is in the channel variables
 * (silence_hits_exhausted, playback_terminator_used, record_ms).
 */
const record: AppFactory = (ctx) => {
  const [path = '', limitArg, threshArg, hitsArg] = (ctx.arg ?? '').split(/\s+/);
  const limit = Number(limitArg) || 0;
  const thresh = Number(threshArg) || 0;
  const silenceMs = (Number(hitsArg) || 3) * 1000;
  let running = true;
  let paused = false;
  const timer = new PausableTimer(ctx, limit > 0 ? limit * 1000 : Infinity, () => finish('limit'));
  let silence: (() => void) | undefined;
  const armSilence = (): void => {
    silence?.();
    silence = undefined;
    if (!running || paused || thresh <= 0) return;
    if (!ctx.ch.talking) silence = ctx.world.timers.after(silenceMs, () => finish('silence'));
  };
  const finish = (reason: string): void => {
    if (!running) return;
    running = false;
    timer.pause();
    silence?.();
    const ms = Math.round(timer.elapsed());
    const samples = writeSilenceWav(path, ms);
    ctx.ch.setVar('silence_hits_exhausted', reason === 'silence' ? 'true' : 'false');
    ctx.ch.setVar('record_seconds', String(Math.floor(ms / 1000)));
    ctx.ch.setVar('record_ms', String(ms));
    ctx.ch.setVar('record_samples', String(samples));
    ctx.ch.fire('RECORD_STOP', { where: 'RECORD_STOP_APP', suffix: [['Record-File-Path', path]] });
    ctx.ch.note({ type: 'record', kind: 'app', path, ms, reason, readOnly: false });
    ctx.done();
  };
  return {
    parses: true,
    start() {
      if (!touch(path)) {
        // switch_ivr_record_file cannot open the file: the application returns at once.
        running = false;
        ctx.done();
        return;
      }
      ctx.ch.setVar('silence_hits_exhausted', 'false');
      ctx.ch.setVar('playback_terminator_used', '');
      ctx.ch.fire('RECORD_START', {
        where: 'RECORD_START_APP',
        suffix: [['Record-File-Path', path]],
      });
      timer.start();
      armSilence();
    },
    pause() {
      if (!running) return;
      paused = true;
      timer.pause();
      silence?.();
    },
    resume() {
      if (!running) return;
      paused = false;
      timer.start();
      armSilence();
    },
    stop: (why) => (running ? finish(why) : ctx.done()),
    dtmf(digit) {
      if (running && isTerminator(ctx, digit)) {
        ctx.ch.setVar('playback_terminator_used', digit);
        finish('terminator');
      }
    },
    speech: armSilence,
  };
};

/** park (switch_ivr_park): CHANNEL_PARK, waits for messages; CHANNEL_UNPARK when it returns. */
const park: AppFactory = (ctx) => ({
  parses: true,
  start: () => ctx.ch.fire('CHANNEL_PARK'),
  pause: noop,
  resume: noop,
  stop(why) {
    if (why === 'break') return; // uuid_break does not end park
    ctx.ch.fire('CHANNEL_UNPARK');
    ctx.done();
  },
  dtmf: noop,
  speech: noop,
});

/** sleep <ms> (switch_ivr_sleep): time-based, so time spent in nested applications counts. */
const sleep: AppFactory = (ctx) => {
  const until = Date.now() + (Number(ctx.arg) || 0);
  let cancel: (() => void) | undefined;
  let running = true;
  const end = (): void => {
    if (!running) return;
    running = false;
    cancel?.();
    ctx.done();
  };
  const arm = (): void => {
    cancel = ctx.world.timers.after(until - Date.now(), end);
  };
  return {
    parses: true,
    start: arm,
    pause: () => cancel?.(),
    resume: () => (Date.now() >= until ? end() : arm()),
    stop: end,
    dtmf: noop,
    speech: noop,
  };
};

/** echo: runs until stopped (no audio here). */
const echo: AppFactory = (ctx) => ({
  parses: true,
  start: noop,
  pause: noop,
  resume: noop,
  stop: () => ctx.done(),
  dtmf: noop,
  speech: noop,
});

function parseAssign(arg: string | undefined): [string, string | undefined] {
  const s = arg ?? '';
  const eq = s.indexOf('=');
  if (eq < 0) return [s.trim(), undefined];
  const value = s.slice(eq + 1);
  return [s.slice(0, eq).trim(), value === '' ? undefined : value];
}

/** transfer <dest> [dialplan] [context]: only the inline dialplan is modelled (see README). */
export function inlineApps(dest: string): [string, string | undefined][] {
  return dest.split(',').map((part) => {
    const colon = part.indexOf(':');
    return colon < 0
      ? [part.trim(), undefined]
      : [part.slice(0, colon).trim(), part.slice(colon + 1)];
  });
}

export const APPS: Record<string, AppFactory> = {
  answer: instant((ctx) => {
    ctx.ch.answer();
    return undefined;
  }),
  pre_answer: instant(() => undefined),
  ring_ready: instant(() => undefined),
  log: instant(() => undefined),
  info: instant(() => undefined),
  set: instant((ctx) => {
    const [name, value] = parseAssign(ctx.arg);
    if (name) ctx.ch.setVar(name, value);
    return undefined;
  }),
  export: instant((ctx) => {
    const [name, value] = parseAssign(ctx.arg?.replace(/^nolocal:/, ''));
    if (name) ctx.ch.setVar(name, value);
    return undefined;
  }),
  unset: instant((ctx) => {
    ctx.ch.setVar(ctx.arg?.trim() ?? '', undefined);
    return undefined;
  }),
  multiset: instant((ctx) => {
    for (const pair of (ctx.arg ?? '').split(/\s+/).filter(Boolean)) {
      const [name, value] = parseAssign(pair);
      if (name) ctx.ch.setVar(name, value);
    }
    return undefined;
  }),
  hangup: instant((ctx) => {
    ctx.ch.hangup(ctx.arg?.trim() || 'NORMAL_CLEARING', 'local');
    return undefined;
  }),
  send_dtmf: instant((ctx) => {
    ctx.ch.note({ type: 'dtmf-out', digits: (ctx.arg ?? '').split('@')[0] ?? '' });
    return undefined;
  }),
  record_session: instant((ctx) => {
    const [path = '', limit] = (ctx.arg ?? '').split(/\s+/);
    ctx.ch.bugs.start(path, Number(limit) || 0);
    return undefined;
  }),
  stop_record_session: instant((ctx) => {
    ctx.ch.bugs.stop(ctx.arg?.trim() || 'all', 'success-maxtime');
    return undefined;
  }),
  transfer: instant((ctx) => {
    const [dest = '', dialplan] = (ctx.arg ?? '').split(/\s+/);
    if (dialplan === 'inline') {
      const { ch } = ctx;
      ctx.world.timers.defer(() => ch.transfer(inlineApps(dest), `${dest} inline`));
    }
    return undefined;
  }),
  playback,
  record,
  park,
  sleep,
  echo,
  conference: conferenceApp,
};
