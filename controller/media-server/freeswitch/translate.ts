import type { FreeswitchServerConfig } from '../../config/schema.js';
import {
  isDigit,
  type BridgeInfo,
  type BridgeKind,
  type ChannelInfo,
  type Digit,
  type HangupCause,
  type Media,
} from '../types.js';
import type { EslMessage } from './reader.js';

/**
 * The one place that reads ESL headers. Everything FreeSWITCH says becomes one of these, in the
 * media-server vocabulary; nothing else in the adapter looks at a raw header.
 */
export type FsEvent =
  | { kind: 'park'; info: ChannelInfo }
  | { kind: 'answered'; channelId: string }
  | { kind: 'dtmf'; channelId: string; digit: Digit; durationMs: number }
  | { kind: 'execute'; channelId: string; appUuid: string }
  | { kind: 'record-stop'; channelId: string; path: string }
  | { kind: 'record-start'; channelId: string; path: string }
  | { kind: 'hangup'; channelId: string; cause: HangupCause }
  | {
      kind: 'conference';
      action: string;
      conference: string;
      channelId: string;
      memberId: string;
      file: string;
      path: string;
    }
  | { kind: 'shutdown' }
  | { kind: 'ignored' };

/** What the controller subscribes to (`event plain ...`): only what the adapter acts on. */
export const SUBSCRIBED_EVENTS = [
  'CHANNEL_PARK',
  'CHANNEL_ANSWER',
  'CHANNEL_HANGUP_COMPLETE',
  'DTMF',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'BACKGROUND_JOB',
  'RECORD_START',
  'RECORD_STOP',
  'SHUTDOWN',
  'CUSTOM',
  'conference::maintenance',
] as const;

/** Variable the controller sets on legs it originates, so a restarted controller knows them. */
export const ROLE_VARIABLE = 'hotline_role';
/** Conference names made by the controller: `hotline-m-<uuid>` (mixing), `hotline-h-<uuid>` (holding). */
export const BRIDGE_PREFIX = 'hotline-';

export function translateEvent(m: EslMessage, serverId: string): FsEvent {
  const h = m.headers;
  const channelId = h['Unique-ID'] ?? '';
  switch (h['Event-Name']) {
    case 'CHANNEL_PARK':
      return { kind: 'park', info: channelInfo(h, serverId) };
    case 'CHANNEL_ANSWER':
      return { kind: 'answered', channelId };
    case 'DTMF': {
      const digit = h['DTMF-Digit'] ?? '';
      if (!isDigit(digit)) return { kind: 'ignored' };
      // DTMF-Duration is in samples at 8 kHz (2240 in the captures = 280 ms).
      return {
        kind: 'dtmf',
        channelId,
        digit,
        durationMs: Math.round(Number(h['DTMF-Duration'] ?? 0) / 8),
      };
    }
    case 'CHANNEL_EXECUTE':
      return { kind: 'execute', channelId, appUuid: h['Application-UUID'] ?? '' };
    // CHANNEL_EXECUTE_COMPLETE settles its execute in the connection (connection.ts), by Application-UUID.
    case 'RECORD_START':
      return { kind: 'record-start', channelId, path: h['Record-File-Path'] ?? '' };
    case 'RECORD_STOP':
      return { kind: 'record-stop', channelId, path: h['Record-File-Path'] ?? '' };
    case 'CHANNEL_HANGUP_COMPLETE':
      return { kind: 'hangup', channelId, cause: hangupCause(h) };
    case 'SHUTDOWN':
      return { kind: 'shutdown' };
    case 'CUSTOM':
      if (h['Event-Subclass'] !== 'conference::maintenance') return { kind: 'ignored' };
      return {
        kind: 'conference',
        action: h.Action ?? '',
        conference: h['Conference-Name'] ?? '',
        channelId,
        memberId: h['Member-ID'] ?? '',
        file: h.File ?? '',
        path: h.Path ?? '',
      };
    default:
      return { kind: 'ignored' };
  }
}

/** Set by the dialplan on 400-number calls it parks for the controller (dialplan/freeswitch). */
export const INBOUND_VARIABLE = 'hotline';

function channelInfo(h: Readonly<Record<string, string>>, serverId: string): ChannelInfo {
  const role = h[`variable_${ROLE_VARIABLE}`];
  const ours = role === 'originated' || h[`variable_${INBOUND_VARIABLE}`] === '1';
  return {
    id: h['Unique-ID'] ?? '',
    serverId,
    state:
      h['Answer-State'] === 'answered'
        ? 'up'
        : h['Answer-State'] === 'ringing' || h['Answer-State'] === 'early'
          ? 'ringing'
          : 'down',
    callerNumber: h['Caller-Caller-ID-Number'] ?? '',
    calledNumber: h['Caller-Destination-Number'] ?? '',
    sipCallId: h.variable_sip_call_id,
    // Parked by another dialplan (not a 400 number for us): not the controller's to take.
    inApplication: ours,
    role: role === 'originated' ? 'originated' : 'inbound',
  };
}

/** FreeSWITCH cause names with their Q.850 numbers (switch_types.h), for events that lack the number. */
const CAUSES: Record<string, number> = {
  UNALLOCATED_NUMBER: 1,
  NO_ROUTE_DESTINATION: 3,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  CALL_REJECTED: 21,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  NORMAL_CIRCUIT_CONGESTION: 34,
  NORMAL_TEMPORARY_FAILURE: 41,
  RECOVERY_ON_TIMER_EXPIRE: 102,
  ORIGINATOR_CANCEL: 487,
  SYSTEM_SHUTDOWN: 503,
};

export function hangupCause(h: Readonly<Record<string, string>>): HangupCause {
  const text = h['Hangup-Cause'] ?? 'NORMAL_CLEARING';
  const q850 = Number(h.variable_hangup_cause_q850);
  return { code: Number.isInteger(q850) && q850 > 0 ? q850 : (CAUSES[text] ?? 0), text };
}

/** A BACKGROUND_JOB failure `-ERR NO_ANSWER` as a cause. */
export function causeFromJob(body: string): HangupCause {
  const text =
    body
      .replace(/^-ERR\s*/, '')
      .trim()
      .split(/\s/)[0] || 'NORMAL_TEMPORARY_FAILURE';
  return { code: CAUSES[text] ?? 0, text };
}

export const HANGUP_CAUSES = {
  normal: 'NORMAL_CLEARING',
  busy: 'USER_BUSY',
  congestion: 'NORMAL_CIRCUIT_CONGESTION',
  'no-answer': 'NO_ANSWER',
} as const;

interface ShowChannelsRow {
  uuid?: string;
  direction?: string;
  cid_num?: string;
  dest?: string;
  callstate?: string;
  application?: string;
}

/** `show channels as json` (idle: `{"row_count":0}`), as channel descriptions. */
export function channelRows(
  body: string,
  serverId: string,
  originated: ReadonlySet<string>,
): ChannelInfo[] {
  const parsed = parseJson<{ rows?: ShowChannelsRow[] }>(body, 'show channels');
  return (parsed.rows ?? []).map((r) => ({
    id: r.uuid ?? '',
    serverId,
    state:
      r.callstate === 'ACTIVE' || r.callstate === 'HELD'
        ? 'up'
        : r.callstate === 'RINGING' || r.callstate === 'EARLY'
          ? 'ringing'
          : 'down',
    callerNumber: r.cid_num ?? '',
    calledNumber: r.dest ?? '',
    // Parked or in a conference of ours: under the controller's control.
    inApplication:
      r.application === 'park' || r.application === 'conference' || originated.has(r.uuid ?? ''),
    role: r.direction === 'outbound' || originated.has(r.uuid ?? '') ? 'originated' : 'inbound',
  }));
}

interface ConferenceJson {
  conference_name?: string;
  members?: { uuid?: string; id?: number | string }[];
}

/** `conference json_list`: the controller's conferences as bridges, with member ids per channel. */
export function conferenceRows(
  body: string,
  serverId: string,
): { bridges: BridgeInfo[]; members: Map<string, { conference: string; memberId: string }> } {
  const members = new Map<string, { conference: string; memberId: string }>();
  const trimmed = body.trim();
  // mod_conference answers a plain text line when no conference is running.
  if (!trimmed.startsWith('[')) return { bridges: [], members };
  const list = parseJson<ConferenceJson[]>(trimmed, 'conference json_list');
  const bridges: BridgeInfo[] = [];
  for (const c of list) {
    const name = c.conference_name ?? '';
    const kind = bridgeKind(name);
    if (!kind) continue;
    const ids: string[] = [];
    for (const m of c.members ?? []) {
      if (!m.uuid) continue;
      ids.push(m.uuid);
      members.set(m.uuid, { conference: name, memberId: String(m.id ?? '') });
    }
    bridges.push({ id: name, serverId, kind, channelIds: ids });
  }
  return { bridges, members };
}

export function bridgeName(kind: BridgeKind, id: string): string {
  return `${BRIDGE_PREFIX}${kind === 'mixing' ? 'm' : 'h'}-${id}`;
}

export function bridgeKind(name: string): BridgeKind | undefined {
  if (name.startsWith(`${BRIDGE_PREFIX}m-`)) return 'mixing';
  if (name.startsWith(`${BRIDGE_PREFIX}h-`)) return 'holding';
  return undefined;
}

function parseJson<T>(body: string, what: string): T {
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new Error(`FreeSWITCH ${what}: not JSON (${body.slice(0, 80)})`);
  }
}

/** Tones by the names Asterisk's indications use, as tone_stream specs (China's cadences). */
const TONES: Record<string, { spec: string; cycleMs: number }> = {
  ring: { spec: '%(1000,4000,450)', cycleMs: 5000 },
  busy: { spec: '%(350,350,450)', cycleMs: 700 },
  congestion: { spec: '%(700,800,450)', cycleMs: 1500 },
  beep: { spec: '%(250,0,1000)', cycleMs: 250 },
  dial: { spec: '%(1000,0,450)', cycleMs: 1000 },
};

/** One media item as a path or URI FreeSWITCH's `playback` understands. */
export function mediaPath(
  media: Media,
  config: Pick<FreeswitchServerConfig, 'promptDir' | 'soundsDir'>,
): string {
  switch (media.type) {
    case 'prompt':
      return `${config.promptDir}/${media.language}/${media.id}.wav`;
    case 'sound':
      return media.name === 'beep'
        ? `tone_stream://${TONES.beep!.spec}`
        : `${config.soundsDir}/${media.name}.wav`;
    case 'file':
      return /\.[a-z0-9]{2,4}$/i.test(media.path) ? media.path : `${media.path}.wav`;
    case 'tone': {
      const tone = TONES[media.tone];
      const spec = tone?.spec ?? media.tone;
      const loops =
        media.durationMs && tone ? Math.max(1, Math.ceil(media.durationMs / tone.cycleMs)) : -1;
      return `tone_stream://${spec};loops=${loops}`;
    }
    case 'digits':
      return [...media.digits]
        .filter((d) => /[0-9]/.test(d))
        .map((d) => `${config.soundsDir}/digits/${d}.wav`)
        .join('!');
  }
}

/** Several items play as one `file_string://a!b!c`, so a stop cuts them all. */
export function playbackArg(
  list: Media[],
  config: Pick<FreeswitchServerConfig, 'promptDir' | 'soundsDir'>,
): string {
  const paths = list.map((m) => mediaPath(m, config)).filter((p) => p !== '');
  if (paths.length === 1 && !paths[0]!.includes('!')) return paths[0]!;
  return `file_string://${paths.join('!')}`;
}

/** A playback's CHANNEL_EXECUTE_COMPLETE: `FILE PLAYED` is mod_dptools' answer for one that reached its end. */
export function playedToEnd(complete: EslMessage): boolean {
  return complete.headers['Application-Response'] === 'FILE PLAYED';
}
