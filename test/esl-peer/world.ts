import { randomUUID } from 'node:crypto';
import type { EventFactory, PeerEvent } from './events.js';
import type { MediaInfo } from './media.js';

/**
 * What the channel, conference and API models share with the peer: the event bus, the clock
 * (every timer goes through `Timers`, so close() leaves nothing behind) and the registries.
 */
export interface World {
  readonly factory: EventFactory;
  fire(event: PeerEvent): void;
  readonly timers: Timers;
  readonly opts: ModelOptions;
  media(path: string): MediaInfo;
  readonly channels: Map<string, import('./channel.js').Channel>;
  readonly conferences: Map<string, import('./conference.js').Conference>;
  nextMemberId(): number;
  channelGone(channel: import('./channel.js').Channel): void;
}

export interface ModelOptions {
  /** Milliseconds a `tone_stream://` plays per loop (default 1000). */
  toneMs: number;
  /** Overrides the play time of any media path; undefined falls back to the built-in rules. */
  mediaMs?: ((path: string) => number | undefined) | undefined;
  /** Directory relative media paths are resolved against (FreeSWITCH's sound prefix). */
  soundPrefix?: string | undefined;
  /** FreeSWITCH hangs a channel up (DESTINATION_OUT_OF_ORDER) on an unknown application. */
  unknownApp: 'hangup' | 'complete';
  /** The conference domain (Conference-Domain header). */
  domain: string;
  /** A channel shows in `show channels` only this long after it was created (the core DB lags). */
  showChannelsLagMs: number;
}

/** Everything that happened to a channel, for test assertions. */
export type CallLogEntry =
  | { type: 'app'; app: string; arg?: string | undefined; appUuid: string; response: string }
  | { type: 'answer' }
  | {
      type: 'playback';
      file: string;
      status: 'done' | 'break' | 'notfound' | 'error';
      completed: boolean;
      ms: number;
    }
  | {
      type: 'record';
      kind: 'app' | 'session';
      path: string;
      ms: number;
      reason: string;
      readOnly: boolean;
    }
  | { type: 'dtmf-in'; digit: string }
  | { type: 'dtmf-out'; digits: string }
  | { type: 'conference'; action: 'join' | 'leave'; conference: string; memberId: number }
  | { type: 'conference-play'; conference: string; file: string; completed: boolean }
  | { type: 'transfer'; to: string }
  | { type: 'hangup'; cause: string; by: 'local' | 'remote' };

/** Timers that can all be cancelled at once; a callback that throws is recorded, not rethrown. */
export class Timers {
  private readonly timeouts = new Set<NodeJS.Timeout>();
  private readonly immediates = new Set<NodeJS.Immediate>();
  readonly errors: unknown[] = [];

  private run(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.errors.push(err);
      console.error('esl-peer: model error', err);
    }
  }

  /** Runs `fn` after `ms`; returns the cancel function. */
  after(ms: number, fn: () => void): () => void {
    const t = setTimeout(
      () => {
        this.timeouts.delete(t);
        this.run(fn);
      },
      Math.max(0, ms),
    );
    this.timeouts.add(t);
    return () => {
      clearTimeout(t);
      this.timeouts.delete(t);
    };
  }

  /** Runs `fn` on the next turn of the event loop (after the current command's reply is written). */
  defer(fn: () => void): void {
    const i = setImmediate(() => {
      this.immediates.delete(i);
      this.run(fn);
    });
    this.immediates.add(i);
  }

  clearAll(): void {
    for (const t of this.timeouts) clearTimeout(t);
    for (const i of this.immediates) clearImmediate(i);
    this.timeouts.clear();
    this.immediates.clear();
  }
}

export function newUuid(): string {
  return randomUUID();
}
