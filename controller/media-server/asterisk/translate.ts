import {
  isDigit,
  type BridgeInfo,
  type ChannelEvent,
  type ChannelInfo,
  type ChannelState,
  type RecordingEvent,
} from '../types.js';

/**
 * The one place that reads raw ARI JSON. Everything it returns is neutral; nothing else in the
 * controller knows ARI field names.
 */
export interface AriChannelJson {
  id: string;
  name?: string;
  state?: string;
  caller?: { number?: string; name?: string };
  dialplan?: { context?: string; exten?: string; app_name?: string; app_data?: string };
}

interface AriEventJson {
  type: string;
  application?: string;
  args?: string[];
  channel?: AriChannelJson;
  digit?: string;
  duration_ms?: number;
  /** ChannelTalkingFinished: how long the caller spoke, in ms. */
  duration?: number;
  cause?: number;
  cause_txt?: string;
  playback?: { id: string; target_uri?: string; state?: string };
  recording?: { name: string; state?: string; duration?: number; cause?: string };
  bridge?: { id: string };
}

/** The first Stasis argument tells inbound calls from legs the controller originated. */
export const ORIGINATED_ARG = 'originated';
/** Spy channels that record a caller's voice; never calls. */
export const SNOOP_ARG = 'snoop';

export type Translated =
  | { kind: 'inbound'; info: ChannelInfo }
  | { kind: 'originated-start'; channelId: string }
  | { kind: 'channel'; event: ChannelEvent }
  | { kind: 'hangup-cause'; channelId: string; code: number; text: string }
  | { kind: 'recording'; event: RecordingEvent }
  | { kind: 'ignored' };

const IGNORED: Translated = { kind: 'ignored' };

export function translateEvent(raw: unknown, serverId: string, app: string): Translated {
  const ev = raw as AriEventJson;
  const channel = ev.channel;
  switch (ev.type) {
    case 'StasisStart': {
      if (!channel) return IGNORED;
      const args = ev.args ?? [];
      if (args[0] === ORIGINATED_ARG) return { kind: 'originated-start', channelId: channel.id };
      if (args[0] === SNOOP_ARG) return IGNORED;
      return { kind: 'inbound', info: channelInfo(channel, serverId, app, args) };
    }
    case 'ChannelStateChange':
      return channel && channel.state === 'Up'
        ? { kind: 'channel', event: { type: 'answered', channelId: channel.id } }
        : IGNORED;
    case 'ChannelTalkingStarted':
      return channel
        ? { kind: 'channel', event: { type: 'talking-started', channelId: channel.id } }
        : IGNORED;
    case 'ChannelTalkingFinished':
      return channel
        ? {
            kind: 'channel',
            event: {
              type: 'talking-finished',
              channelId: channel.id,
              durationMs: ev.duration ?? 0,
            },
          }
        : IGNORED;
    case 'ChannelDtmfReceived':
      return channel && ev.digit !== undefined && isDigit(ev.digit)
        ? {
            kind: 'channel',
            event: {
              type: 'dtmf',
              channelId: channel.id,
              digit: ev.digit,
              durationMs: ev.duration_ms ?? 0,
            },
          }
        : IGNORED;
    case 'ChannelHangupRequest':
      return channel && ev.cause !== undefined
        ? { kind: 'hangup-cause', channelId: channel.id, code: ev.cause, text: causeText(ev.cause) }
        : IGNORED;
    case 'ChannelDestroyed':
      return channel
        ? {
            kind: 'channel',
            event: {
              type: 'ended',
              channelId: channel.id,
              cause: { code: ev.cause ?? 0, text: ev.cause_txt ?? causeText(ev.cause ?? 0) },
            },
          }
        : IGNORED;
    case 'StasisEnd':
      // Left the application (hung up, or redirected elsewhere): no longer ours either way.
      return channel
        ? {
            kind: 'channel',
            event: {
              type: 'ended',
              channelId: channel.id,
              cause: { code: 16, text: 'left application' },
            },
          }
        : IGNORED;
    case 'PlaybackStarted':
    case 'PlaybackFinished': {
      const channelId = targetChannel(ev.playback?.target_uri);
      if (!ev.playback || !channelId) return IGNORED;
      return ev.type === 'PlaybackStarted'
        ? {
            kind: 'channel',
            event: { type: 'playback-started', channelId, playbackId: ev.playback.id },
          }
        : {
            kind: 'channel',
            event: {
              type: 'playback-finished',
              channelId,
              playbackId: ev.playback.id,
              completed: ev.playback.state === 'done',
            },
          };
    }
    case 'RecordingStarted':
      return ev.recording
        ? { kind: 'recording', event: { type: 'recording-started', name: ev.recording.name } }
        : IGNORED;
    case 'RecordingFinished':
      return ev.recording
        ? {
            kind: 'recording',
            event: {
              type: 'recording-finished',
              name: ev.recording.name,
              durationMs:
                ev.recording.duration === undefined ? undefined : ev.recording.duration * 1000,
            },
          }
        : IGNORED;
    case 'RecordingFailed':
      return ev.recording
        ? {
            kind: 'recording',
            event: {
              type: 'recording-failed',
              name: ev.recording.name,
              reason: ev.recording.cause ?? 'unknown',
            },
          }
        : IGNORED;
    default:
      return IGNORED;
  }
}

/**
 * Stasis arguments from our dialplan: `Stasis(app,inbound,${EXTEN},${PJSIP_HEADER(read,Call-ID)})`.
 * The dialplan's own exten is the fallback for the called number.
 */
export function channelInfo(
  channel: AriChannelJson,
  serverId: string,
  app: string,
  args: string[] = [],
): ChannelInfo {
  const appData = channel.dialplan?.app_data ?? '';
  const inApp =
    channel.dialplan?.app_name === 'Stasis' && (appData === app || appData.startsWith(`${app},`));
  const fromArgs = args.length > 0 ? args : appData.split(',').slice(1);
  return {
    id: channel.id,
    serverId,
    state: channelState(channel.state),
    callerNumber: channel.caller?.number ?? '',
    calledNumber: fromArgs[1] || channel.dialplan?.exten || '',
    sipCallId: fromArgs[2] || undefined,
    inApplication: inApp || args.length > 0,
    role:
      fromArgs[0] === ORIGINATED_ARG
        ? 'originated'
        : fromArgs[0] === SNOOP_ARG
          ? 'snoop'
          : 'inbound',
  };
}

export function bridgeInfo(
  bridge: { id: string; bridge_type?: string; channels?: string[] },
  serverId: string,
): BridgeInfo {
  return {
    id: bridge.id,
    serverId,
    kind: bridge.bridge_type === 'holding' ? 'holding' : 'mixing',
    channelIds: bridge.channels ?? [],
  };
}

function channelState(state: string | undefined): ChannelState {
  switch (state) {
    case 'Up':
      return 'up';
    case 'Ring':
    case 'Ringing':
      return 'ringing';
    case 'Down':
    case 'Rsrvd':
    case 'OffHook':
    case 'Dialing':
      return 'down';
    default:
      return 'unknown';
  }
}

function targetChannel(uri: string | undefined): string | undefined {
  return uri?.startsWith('channel:') ? uri.slice('channel:'.length) : undefined;
}

/** The Q.850 causes a contact center meets; others keep their number. */
const CAUSES: Record<number, string> = {
  0: 'unknown',
  1: 'unallocated number',
  16: 'normal clearing',
  17: 'user busy',
  18: 'no user responding',
  19: 'no answer',
  21: 'call rejected',
  27: 'destination out of order',
  31: 'normal unspecified',
  34: 'no circuit available',
  38: 'network out of order',
  41: 'temporary failure',
  42: 'switching equipment congestion',
};

export function causeText(code: number): string {
  return CAUSES[code] ?? `cause ${code}`;
}
