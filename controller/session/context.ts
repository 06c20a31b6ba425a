import type { CallRecord } from '../calls/record.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { Bridge, Channel, MediaServer } from '../media-server/types.js';
import type { RoutingService } from '../acd/service.js';
import type { RecordingCapture } from '../../recordings/capture.js';

/** Everything a verb needs about one call, passed down (never looked up globally). */
export interface CallContext {
  readonly channel: Channel;
  /** The media server the call arrived on (agents are rung there too). */
  readonly server: MediaServer;
  /** Queues and agents; absent where a controller runs without routing. */
  readonly routing?: RoutingService | undefined;
  /** Records conversations; absent where recording is off. */
  readonly recordings?: RecordingCapture | undefined;
  readonly log: Logger;
  /** Aborts when the call ends (or the session's ceiling is reached). */
  readonly signal: AbortSignal;
  readonly record: CallRecord;
  readonly settings: Config['session'];
  /** Deadline for one media-server command. */
  readonly commandTimeoutMs: number;
  /** Caller and agent talking: set by the queue verb while they are bridged (live control). */
  conversation?: Conversation | undefined;
  /** Tells the event stream about a step others watch (queued, connected). */
  emit?: ((type: 'queued' | 'connected') => void) | undefined;
  /** Notes a step in the call's timeline. */
  note(what: string): void;
  /** Saves the call's record now (before a long wait), so another controller can take over. */
  checkpoint(): void;
}

export interface Conversation {
  readonly bridge: Bridge;
  readonly agentId: string;
  readonly agentLegId: string;
  /** While the caller is on hold: the bridge with the music. */
  holding?: Bridge | undefined;
  /** After a transfer: the party that took over from the agent. */
  transferredTo?: Channel | undefined;
}
