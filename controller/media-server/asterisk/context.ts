import type { Logger } from '../../log/logger.js';
import type { AsteriskServerConfig } from '../../config/schema.js';
import type { ChannelEvent, RecordingEvent } from '../types.js';
import type { AriRest } from './rest.js';

/** What channels, bridges and recordings of one Asterisk share: its REST client and registries. */
export interface AriContext {
  readonly config: AsteriskServerConfig;
  readonly rest: AriRest;
  readonly log: Logger;
  /** playbackId -> channelId, for playbacks still running (checked again after a reconnect). */
  readonly playbacks: Map<string, string>;
  /** Playbacks we stopped: Asterisk reports a stopped playback as 'done', we report it cut. */
  readonly stoppedPlaybacks: Set<string>;
  /** Channels whose hang-up could not be sent (Asterisk unreachable); resync sends it again. */
  readonly pendingHangups: Set<string>;
  /** Bridges whose removal did not get through; tidy.ts sends it again. */
  readonly pendingDestroys: Set<string>;
  /** Bridges this controller holds a handle on; an empty bridge found on resync outside it is litter. */
  readonly bridges: Set<string>;
  /** recording name -> listener waiting for its end. */
  readonly recordings: Map<string, (event: RecordingEvent) => void>;
}

export type ChannelListener = (event: ChannelEvent) => void;
