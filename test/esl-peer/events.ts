import type { Header } from './frames.js';

/**
 * Event header builders. The order and names follow the captured FreeSWITCH 1.10.12 events
 * (esl-b/-d/-e captures):
 * - switch_event_prep_for_delivery: Event-Name, Core-UUID, FreeSWITCH-Hostname/-Switchname/
 *   -IPv4/-IPv6, Event-Date-Local/-GMT/-Timestamp, Event-Calling-File/-Function/-Line-Number,
 *   Event-Sequence (CUSTOM events put Event-Subclass first);
 * - switch_channel_event_set_basic_data: Channel-State … Answer-State (+ Hangup-Cause once set),
 *   the codec headers and the Caller-* profile (empty caller fields are left out, as captured for
 *   an originated leg);
 * - switch_channel_event_set_data = basic data + every channel variable as `variable_<name>`.
 */
export interface PeerEvent {
  name: string;
  subclass?: string | undefined;
  headers: Header[];
  body?: string | undefined;
}

export interface CoreInfo {
  coreUuid: string;
  hostname: string;
  ipv4: string;
  ipv6: string;
}

/** Event-Calling-File/-Function/-Line-Number. Captured values where we have them; plausible ones otherwise. */
const WHERE: Record<string, readonly [string, string, number]> = {
  CHANNEL_CREATE: ['switch_core_state_machine.c', 'switch_core_session_run', 627],
  CHANNEL_EXECUTE: ['switch_core_session.c', 'switch_core_session_exec', 2944],
  CHANNEL_EXECUTE_COMPLETE: ['switch_core_session.c', 'switch_core_session_exec', 2967],
  CHANNEL_PARK: ['switch_ivr.c', 'switch_ivr_park', 1002],
  CHANNEL_UNPARK: ['switch_ivr.c', 'switch_ivr_park', 1193],
  CHANNEL_ANSWER: ['switch_channel.c', 'switch_channel_perform_mark_answered', 3846],
  CHANNEL_HANGUP: ['switch_channel.c', 'switch_channel_perform_hangup', 3567],
  CHANNEL_HANGUP_COMPLETE: [
    'switch_core_state_machine.c',
    'switch_core_session_reporting_state',
    943,
  ],
  CHANNEL_DESTROY: ['switch_core_session.c', 'switch_core_session_perform_destroy', 1740],
  CHANNEL_BRIDGE: ['switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1689],
  CHANNEL_UNBRIDGE: ['switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1879],
  DTMF: ['switch_channel.c', 'switch_channel_dequeue_dtmf', 677],
  PLAYBACK_START: ['switch_ivr_play_say.c', 'switch_ivr_play_file', 1646],
  PLAYBACK_STOP: ['switch_ivr_play_say.c', 'switch_ivr_play_file', 2020],
  RECORD_START: ['switch_ivr_async.c', 'record_callback', 1481],
  RECORD_STOP: ['switch_ivr_async.c', 'send_record_stop_event', 1240],
  RECORD_START_APP: ['switch_ivr_play_say.c', 'switch_ivr_record_file', 740],
  RECORD_STOP_APP: ['switch_ivr_play_say.c', 'switch_ivr_record_file', 1010],
  BACKGROUND_JOB: ['mod_event_socket.c', 'api_exec', 1572],
  sendevent: ['mod_event_socket.c', 'read_packet', 1330],
  SHUTDOWN: ['switch_core.c', 'switch_core_destroy', 3023],
  CUSTOM: ['mod_conference.c', 'conference_member_add', 1130],
};

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export function localStamp(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Wall clock in microseconds, as Event-Date-Timestamp and the Caller-*-Time headers carry it. */
export function nowMicros(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

export class EventFactory {
  private sequence = 500;

  constructor(public core: CoreInfo) {}

  base(
    name: string,
    opts: { subclass?: string | undefined; where?: string | undefined } = {},
  ): Header[] {
    const now = new Date();
    const [file, fn, line] = WHERE[opts.where ?? name] ?? [
      'switch_event.c',
      'switch_event_fire_detailed',
      2000,
    ];
    const headers: Header[] = [];
    if (opts.subclass) headers.push(['Event-Subclass', opts.subclass]);
    headers.push(
      ['Event-Name', name],
      ['Core-UUID', this.core.coreUuid],
      ['FreeSWITCH-Hostname', this.core.hostname],
      ['FreeSWITCH-Switchname', this.core.hostname],
      ['FreeSWITCH-IPv4', this.core.ipv4],
      ['FreeSWITCH-IPv6', this.core.ipv6],
      ['Event-Date-Local', localStamp(now)],
      ['Event-Date-GMT', now.toUTCString()],
      ['Event-Date-Timestamp', String(nowMicros())],
      ['Event-Calling-File', file],
      ['Event-Calling-Function', fn],
      ['Event-Calling-Line-Number', String(line)],
      ['Event-Sequence', String(++this.sequence)],
    );
    return headers;
  }
}

/** What the header builder needs to know about a channel. */
export interface ChannelLike {
  readonly uuid: string;
  readonly name: string;
  readonly direction: 'inbound' | 'outbound';
  readonly stateName: string;
  readonly stateNumber: number;
  readonly callState: string;
  readonly answerState: string;
  readonly hitDialplan: boolean;
  readonly hangupCause: string | undefined;
  readonly callUuid: string;
  readonly codec: string;
  readonly profile: CallerProfile;
  readonly vars: ReadonlyMap<string, string>;
}

export interface CallerProfile {
  username: string;
  dialplan: string;
  callerIdName: string;
  callerIdNumber: string;
  origCallerIdName: string;
  origCallerIdNumber: string;
  calleeIdName: string;
  calleeIdNumber: string;
  networkAddr: string;
  ani: string;
  destination: string;
  source: string;
  context: string;
  createdUs: number;
  answeredUs: number;
  progressUs: number;
  hangupUs: number;
  transferUs: number;
  bridgedUs: number;
}

export function basicChannelHeaders(ch: ChannelLike): Header[] {
  const p = ch.profile;
  const h: Header[] = [
    ['Channel-State', ch.stateName],
    ['Channel-Call-State', ch.callState],
    ['Channel-State-Number', String(ch.stateNumber)],
    ['Channel-Name', ch.name],
    ['Unique-ID', ch.uuid],
    ['Call-Direction', ch.direction],
    ['Presence-Call-Direction', ch.direction],
    ['Channel-HIT-Dialplan', ch.hitDialplan ? 'true' : 'false'],
    ['Channel-Call-UUID', ch.callUuid],
    ['Answer-State', ch.answerState],
  ];
  if (ch.hangupCause) h.push(['Hangup-Cause', ch.hangupCause]);
  for (const dir of ['Read', 'Write']) {
    h.push(
      [`Channel-${dir}-Codec-Name`, ch.codec],
      [`Channel-${dir}-Codec-Rate`, '8000'],
      [`Channel-${dir}-Codec-Bit-Rate`, '64000'],
    );
  }
  const opt = (name: string, value: string): void => {
    if (value) h.push([name, value]);
  };
  h.push(['Caller-Direction', ch.direction], ['Caller-Logical-Direction', ch.direction]);
  opt('Caller-Username', p.username);
  opt('Caller-Dialplan', p.dialplan);
  opt('Caller-Caller-ID-Name', p.callerIdName);
  opt('Caller-Caller-ID-Number', p.callerIdNumber);
  opt('Caller-Orig-Caller-ID-Name', p.origCallerIdName);
  opt('Caller-Orig-Caller-ID-Number', p.origCallerIdNumber);
  opt('Caller-Callee-ID-Name', p.calleeIdName);
  opt('Caller-Callee-ID-Number', p.calleeIdNumber);
  h.push(
    ['Caller-Network-Addr', p.networkAddr],
    ['Caller-ANI', p.ani],
    ['Caller-Destination-Number', p.destination],
    ['Caller-Unique-ID', ch.uuid],
    ['Caller-Source', p.source],
    ['Caller-Context', p.context],
    ['Caller-Channel-Name', ch.name],
    ['Caller-Profile-Index', '1'],
    ['Caller-Profile-Created-Time', String(p.createdUs)],
    ['Caller-Channel-Created-Time', String(p.createdUs)],
    ['Caller-Channel-Answered-Time', String(p.answeredUs)],
    ['Caller-Channel-Progress-Time', String(p.progressUs)],
    ['Caller-Channel-Progress-Media-Time', '0'],
    ['Caller-Channel-Hangup-Time', String(p.hangupUs)],
    ['Caller-Channel-Transfer-Time', String(p.transferUs)],
    ['Caller-Channel-Resurrect-Time', '0'],
    ['Caller-Channel-Bridged-Time', String(p.bridgedUs)],
    ['Caller-Channel-Last-Hold', '0'],
    ['Caller-Channel-Hold-Accum', '0'],
    ['Caller-Screen-Bit', 'true'],
    ['Caller-Privacy-Hide-Name', 'false'],
    ['Caller-Privacy-Hide-Number', 'false'],
  );
  return h;
}

export function channelHeaders(ch: ChannelLike, verbose: boolean): Header[] {
  const h = basicChannelHeaders(ch);
  if (verbose) for (const [name, value] of ch.vars) h.push([`variable_${name}`, value]);
  return h;
}

/** Q.850 codes of the cause names (switch_channel_cause_q850: causes above 127 report 16). */
export const CAUSES: Record<string, number> = {
  UNALLOCATED_NUMBER: 1,
  NO_ROUTE_TRANSIT_NET: 2,
  NO_ROUTE_DESTINATION: 3,
  CHANNEL_UNACCEPTABLE: 6,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  SUBSCRIBER_ABSENT: 20,
  CALL_REJECTED: 21,
  NUMBER_CHANGED: 22,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  FACILITY_REJECTED: 29,
  NORMAL_UNSPECIFIED: 31,
  NORMAL_CIRCUIT_CONGESTION: 34,
  NETWORK_OUT_OF_ORDER: 38,
  NORMAL_TEMPORARY_FAILURE: 41,
  SWITCH_CONGESTION: 42,
  SERVICE_UNAVAILABLE: 63,
  RECOVERY_ON_TIMER_EXPIRE: 102,
  INTERWORKING: 127,
  ORIGINATOR_CANCEL: 487,
  MANAGER_REQUEST: 500,
  LOSE_RACE: 502,
  SYSTEM_SHUTDOWN: 503,
  ALLOTTED_TIMEOUT: 602,
  MEDIA_TIMEOUT: 604,
  CHAN_NOT_IMPLEMENTED: 606,
  CRASH: 700,
};

/** switch_channel_str2cause: a cause name (any case) or number; unknown names stay as given. */
export function causeName(input: string | undefined, fallback = 'NORMAL_CLEARING'): string {
  if (!input) return fallback;
  if (/^\d+$/.test(input))
    return Object.entries(CAUSES).find(([, n]) => n === Number(input))?.[0] ?? fallback;
  return input.toUpperCase();
}

export function q850(cause: string): number {
  const n = CAUSES[cause] ?? 16;
  return n <= 127 ? n : 16;
}
