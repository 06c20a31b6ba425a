import type { CallRecord } from '../calls/record.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { Channel } from '../media-server/types.js';

/** Everything a verb needs about one call, passed down (never looked up globally). */
export interface CallContext {
  readonly channel: Channel;
  readonly log: Logger;
  /** Aborts when the call ends (or the session's ceiling is reached). */
  readonly signal: AbortSignal;
  readonly record: CallRecord;
  readonly settings: Config['session'];
  /** Deadline for one media-server command. */
  readonly commandTimeoutMs: number;
  /** Notes a step in the call's timeline. */
  note(what: string): void;
}
