import type { WaitOptions, Unsubscribe } from '../../lib/wait.js';

/**
 * The neutral media-server contract. Asterisk (ARI) and FreeSWITCH (ESL) adapters implement it;
 * nothing outside an adapter sees ARI JSON or ESL headers. Ids are the server's own channel ids
 * (Asterisk channel ids, FreeSWITCH Unique-IDs), opaque to callers.
 */
export type MediaServerKind = 'asterisk' | 'freeswitch';

/** What an adapter can do; callers check flags instead of catching surprises. */
export interface Capabilities {
  /** Holding bridges with music on hold (waiting callers). */
  holdingBridge: boolean;
  /** Recording a whole bridge into one file. */
  bridgeRecording: boolean;
  /** Tone generation (`tone` media). */
  tones: boolean;
  /** Spy/whisper channels on a live channel. */
  snoop: boolean;
  /** Talking-started/finished events (`detectTalking`): speech barge-in and end of speech. */
  talkDetection: boolean;
}

export type Digit =
  '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

export const isDigit = (value: string): value is Digit => /^[0-9*#A-D]$/.test(value);

/** Something to play. Adapters map each kind to their own URI or application. */
export type Media =
  | { type: 'prompt'; id: string; language: string }
  | { type: 'sound'; name: string }
  | { type: 'file'; path: string }
  | { type: 'tone'; tone: string; durationMs?: number }
  | { type: 'digits'; digits: string };

export type ChannelState = 'down' | 'ringing' | 'up' | 'unknown';

export interface ChannelInfo {
  id: string;
  serverId: string;
  state: ChannelState;
  callerNumber: string;
  calledNumber: string;
  /** Correlation id from the signalling (the SIP Call-ID where the server knows it). */
  sipCallId?: string | undefined;
  /** Whether the channel is in this controller's application (a call it owns). */
  inApplication: boolean;
  /** Found in the application on (re)connect, left by a controller that is gone: a call to resume. */
  adopted?: boolean | undefined;
  /** A caller's call, or a leg the controller originated (an agent's phone). */
  role?: 'inbound' | 'originated' | 'snoop' | undefined;
}

export interface BridgeInfo {
  id: string;
  serverId: string;
  kind: BridgeKind;
  channelIds: string[];
}

export type BridgeKind = 'mixing' | 'holding';

/** Normalized hang-up causes (Q.850 numbering, which both servers use). */
export interface HangupCause {
  code: number;
  text: string;
}

/** Events about one channel, already translated from the server's vocabulary. */
export type ChannelEvent =
  | { type: 'answered'; channelId: string }
  | { type: 'dtmf'; channelId: string; digit: Digit; durationMs: number }
  | { type: 'playback-started'; channelId: string; playbackId: string }
  | { type: 'playback-finished'; channelId: string; playbackId: string; completed: boolean }
  /** The caller started or stopped speaking (after detectTalking). */
  | { type: 'talking-started'; channelId: string }
  | { type: 'talking-finished'; channelId: string; durationMs: number }
  /** The channel left our control (hung up, or gone from the application). Always the last event. */
  | { type: 'ended'; channelId: string; cause: HangupCause };

export type RecordingEvent =
  | { type: 'recording-started'; name: string }
  | { type: 'recording-finished'; name: string; durationMs?: number | undefined }
  | { type: 'recording-failed'; name: string; reason: string };

export type ServerStatus = { ready: boolean; reason: string };

export interface PlayOptions extends WaitOptions {
  /** A caller-chosen id (lets the caller stop it before the start is acknowledged). */
  playbackId?: string;
}

export interface Playback {
  readonly id: string;
  /** Resolves when the playback ends: true if it played to the end, false if stopped or cut. */
  readonly done: Promise<boolean>;
  stop(opts: WaitOptions): Promise<void>;
}

export interface Channel {
  readonly id: string;
  readonly info: ChannelInfo;
  /** Fires once the channel has ended; every wait about this call is tied to it. */
  readonly ended: AbortSignal;
  answer(opts: WaitOptions): Promise<void>;
  play(media: Media | Media[], opts: PlayOptions): Promise<Playback>;
  hangup(cause?: 'normal' | 'busy' | 'congestion' | 'no-answer'): Promise<void>;
  /**
   * A spy on this channel, joined to the application: `spy` is what it hears (in: what this party
   * says, out: what it hears, both), `whisper` where sound put into the spy goes. It ends with the
   * channel, or with `hangup`. Supervisors listen and whisper through it.
   */
  snoop(
    opts: WaitOptions & { spy: SnoopDirection; whisper: SnoopDirection },
  ): Promise<{ id: string; hangup(): Promise<void> }>;
  /** Sends keys to the far end (RFC 4733 / SIP INFO, as the channel negotiated); ',' pauses. */
  sendDtmf(digits: string, opts: WaitOptions): Promise<void>;
  /**
   * Records what the caller says (voicemail, a speech turn). Ends at the time limit, after the
   * given silence, on a key (`terminateOn`), or when stopped.
   */
  record(opts: ChannelRecordOptions): Promise<Recording>;
  /**
   * Records only what the caller says (a spy on the caller's side), so it can run while a prompt
   * plays: a speech turn. The file is read from `server.recordingFile(name)` once done.
   */
  recordCaller(opts: RecordOptions): Promise<Recording>;
  /**
   * Turns on talk detection: 'talking-started' after `thresholdMs` of sound, 'talking-finished'
   * after `silenceMs` of quiet. Used for speech barge-in and end-of-speech.
   */
  detectTalking(opts: WaitOptions & { silenceMs: number; thresholdMs: number }): Promise<void>;
  setVariable(name: string, value: string, opts: WaitOptions): Promise<void>;
  getVariable(name: string, opts: WaitOptions): Promise<string | undefined>;
  /** Subscribe to this channel's events; the returned function removes the listener. */
  on(listener: (event: ChannelEvent) => void): Unsubscribe;
  /** Number of listeners still attached (for leak checks). */
  listenerCount(): number;
}

export interface RecordOptions extends WaitOptions {
  name: string;
  format: 'wav' | 'gsm' | 'ulaw' | 'alaw';
  maxDurationSeconds?: number;
  beep?: boolean;
}

export interface ChannelRecordOptions extends RecordOptions {
  maxSilenceSeconds?: number;
  /** A key that ends the recording ('any' for any key). */
  terminateOn?: 'none' | 'any' | '#' | '*';
}

export interface Recording {
  readonly name: string;
  /** Resolves when the recording is finished (stopped, or the bridge went away). */
  readonly done: Promise<RecordingEvent>;
  stop(opts: WaitOptions): Promise<void>;
  pause(opts: WaitOptions): Promise<void>;
  resume(opts: WaitOptions): Promise<void>;
}

export interface Bridge {
  readonly id: string;
  readonly kind: BridgeKind;
  /**
   * Puts channels in the bridge, several in one step where the server can. A channel is in one
   * bridge at a time: one already in another bridge moves, with no removal first.
   */
  add(channelIds: string | readonly string[], opts: WaitOptions): Promise<void>;
  remove(channelId: string, opts: WaitOptions): Promise<void>;
  startMusicOnHold(mohClass: string | undefined, opts: WaitOptions): Promise<void>;
  stopMusicOnHold(opts: WaitOptions): Promise<void>;
  record(opts: RecordOptions): Promise<Recording>;
  destroy(opts: WaitOptions): Promise<void>;
}

export interface OriginateRequest {
  /** Server-specific dial string, e.g. `PJSIP/agent-1001` or `sofia/internal/1001@host`. */
  endpoint: string;
  callerNumber?: string;
  callerName?: string;
  /** How long it may ring before the server gives up. */
  ringTimeoutSeconds: number;
  variables?: Record<string, string>;
}

export type SnoopDirection = 'none' | 'in' | 'out' | 'both';

export interface LiveState {
  channels: ChannelInfo[];
  bridges: BridgeInfo[];
}

export interface MediaServer {
  readonly id: string;
  readonly kind: MediaServerKind;
  readonly capabilities: Capabilities;
  /** Starts connecting in the background; keeps reconnecting until close(). */
  start(): void;
  close(): Promise<void>;
  status(): ServerStatus;
  onStatus(listener: (status: ServerStatus) => void): Unsubscribe;
  /** A new inbound call handed to the controller. The handler owns the channel. */
  onCall(listener: (channel: Channel) => void): Unsubscribe;
  /** Originates an outbound leg into the controller's application; resolves once it exists. */
  originate(request: OriginateRequest, opts: WaitOptions): Promise<Channel>;
  createBridge(kind: BridgeKind, opts: WaitOptions): Promise<Bridge>;
  /** A handle on an existing bridge (one found in liveState, e.g. after adopting a call). */
  bridge(info: BridgeInfo): Bridge;
  /** Where the controller can read a finished recording of this server. */
  recordingFile(name: string, format: RecordOptions['format']): string;
  /**
   * The handle on a channel this server holds: a leg originated earlier, or an adopted agent leg
   * left in a conversation by a controller that died (claiming it keeps it from being hung up).
   */
  channel(id: string): Channel | undefined;
  /** Live channels and bridges as the server sees them now. */
  liveState(opts: WaitOptions): Promise<LiveState>;
  /** Whether a playback still exists on the server (for leak checks and resync). */
  playbackExists(playbackId: string, opts: WaitOptions): Promise<boolean>;
}
