import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CallerProfile } from './events.js';
import type { World } from './world.js';

/**
 * What a dialplan application is to the channel (channel.ts runs them): started after
 * CHANNEL_EXECUTE, it calls ctx.done() when it returns, which emits CHANNEL_EXECUTE_COMPLETE.
 */
export type StopWhy = 'break' | 'hangup' | 'transfer';

export interface Frame {
  /** Whether queued sendmsg applications may run nested while this one runs. */
  readonly parses: boolean;
  start(): void;
  pause(): void;
  resume(): void;
  /** Ends the application now; must complete it (ctx.done) synchronously. */
  stop(why: StopWhy): void;
  dtmf(digit: string): void;
  speech(): void;
}

export interface AppContext {
  readonly ch: import('./channel.js').Channel;
  readonly world: World;
  readonly arg: string | undefined;
  readonly appUuid: string;
  /** The application returns; `response` becomes current_application_response. */
  done(response?: string): void;
}

export type AppFactory = (ctx: AppContext) => Frame;

export interface ExecuteOptions {
  appUuid?: string | undefined;
  eventLock?: boolean | undefined;
  loops?: number | undefined;
  /** Runs this instead of the named dialplan application (uuid_bridge's pseudo-application). */
  factory?: AppFactory | undefined;
  /**
   * CHANNEL_EXECUTE without Application-UUID and no CHANNEL_EXECUTE_COMPLETE (the events
   * switch_ivr_bridge.c fires itself).
   */
  bare?: boolean | undefined;
}

export interface ChannelInit {
  uuid: string;
  name: string;
  direction: 'inbound' | 'outbound';
  codec: string;
  profile: CallerProfile;
  vars: [string, string][];
}

/** A frame that does nothing by itself (the parts an application does not need). */
export const IDLE: Frame = {
  parses: false,
  start: () => undefined,
  pause: () => undefined,
  resume: () => undefined,
  stop: () => undefined,
  dtmf: () => undefined,
  speech: () => undefined,
};

/** Creates (or truncates) a recording file, as opening it for writing does; false when that fails. */
export function touch(path: string): boolean {
  try {
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(path, 'w'));
    return true;
  } catch {
    return false;
  }
}
