import type { PeerEvent } from './events.js';
import type { EventFormat } from './frames.js';

/**
 * A connection's event subscription, as mod_event_socket keeps it (parse_command `event`,
 * `nixevent`, `noevents`, `filter`, `myevents`; event_handler decides what is sent):
 * - `event [plain|json|xml] <names…> [CUSTOM <subclass…>]` adds to what is there; names are
 *   switch_name_event names (case-insensitive, unknown ones skipped: none known at all is
 *   "-ERR no keywords supplied"); after CUSTOM every word is a subclass; ALL is everything,
 *   CUSTOM subclasses included;
 * - a CUSTOM event with a subclass is sent only if the subclass was named;
 * - filters (`filter <header> <value>`, `filter delete <header> [<value>]|all`): once any is
 *   set, an event is sent only if a positive filter matches one of its headers (value compared
 *   case-insensitively, `/regex/` allowed, a leading `-` makes a filter negative), so events
 *   without the header (BACKGROUND_JOB for a Unique-ID filter) are dropped.
 */
const EVENT_NAMES = new Set(
  `CUSTOM CLONE CHANNEL_CREATE CHANNEL_DESTROY CHANNEL_STATE CHANNEL_CALLSTATE CHANNEL_ANSWER CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE
  CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_HOLD CHANNEL_UNHOLD CHANNEL_BRIDGE CHANNEL_UNBRIDGE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA
  CHANNEL_OUTGOING CHANNEL_PARK CHANNEL_UNPARK CHANNEL_APPLICATION CHANNEL_ORIGINATE CHANNEL_UUID API LOG INBOUND_CHAN OUTBOUND_CHAN STARTUP
  SHUTDOWN PUBLISH UNPUBLISH TALK NOTALK SESSION_CRASH MODULE_LOAD MODULE_UNLOAD DTMF MESSAGE PRESENCE_IN NOTIFY_IN PRESENCE_OUT PRESENCE_PROBE
  MESSAGE_WAITING MESSAGE_QUERY ROSTER CODEC BACKGROUND_JOB DETECTED_SPEECH DETECTED_TONE PRIVATE_COMMAND HEARTBEAT TRAP ADD_SCHEDULE
  DEL_SCHEDULE EXE_SCHEDULE RE_SCHEDULE RELOADXML NOTIFY PHONE_FEATURE PHONE_FEATURE_SUBSCRIBE SEND_MESSAGE RECV_MESSAGE REQUEST_PARAMS
  CHANNEL_DATA GENERAL COMMAND SESSION_HEARTBEAT CLIENT_DISCONNECTED SERVER_DISCONNECTED SEND_INFO RECV_INFO RECV_RTCP_MESSAGE
  SEND_RTCP_MESSAGE CALL_SECURE NAT RECORD_START RECORD_STOP PLAYBACK_START PLAYBACK_STOP CALL_UPDATE FAILURE SOCKET_DATA MEDIA_BUG_START
  MEDIA_BUG_STOP CONFERENCE_DATA_QUERY CONFERENCE_DATA CALL_SETUP_REQ CALL_SETUP_RESULT CALL_DETAIL DEVICE_STATE TEXT SHUTDOWN_REQUESTED ALL`.split(
    /\s+/,
  ),
);

/** The events `myevents` turns on. */
const MYEVENTS =
  `CHANNEL_ANSWER CHANNEL_APPLICATION CHANNEL_BRIDGE CHANNEL_CREATE CHANNEL_DATA CHANNEL_DESTROY CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE
  CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE CHANNEL_ORIGINATE CHANNEL_UUID CHANNEL_OUTGOING CHANNEL_PARK CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA
  CHANNEL_STATE CHANNEL_UNBRIDGE CHANNEL_UNPARK DETECTED_SPEECH DTMF NOTALK TALK`.split(/\s+/);

export function splitFirst(s: string): [string, string | undefined] {
  const sp = s.indexOf(' ');
  return sp < 0 ? [s, undefined] : [s.slice(0, sp), s.slice(sp + 1)];
}

export class Subscription {
  format: EventFormat = 'plain';
  /** LFLAG_EVENTS: set by `event`/`nixevent`/`myevents`, cleared by `noevents`. */
  listening = false;
  private all = false;
  private readonly names = new Set<string>();
  private readonly subclasses = new Set<string>();
  private filters: [string, string][] = [];
  private myUuid: string | undefined;

  wants(ev: PeerEvent): boolean {
    if (!this.listening) return false;
    let send =
      this.all ||
      (this.names.has(ev.name) &&
        (ev.name !== 'CUSTOM' || !ev.subclass || this.subclasses.has(ev.subclass)));
    if (send && this.filters.length) send = this.passes(ev);
    if (send && this.myUuid)
      send = ev.headers.find(([n]) => n === 'Unique-ID')?.[1] === this.myUuid;
    return send;
  }

  private passes(ev: PeerEvent): boolean {
    let send = false;
    for (const [name, value] of this.filters) {
      const hval = ev.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
      if (hval === undefined) continue;
      let comp = value;
      let pos = true;
      while (comp && '+- '.includes(comp[0] ?? '')) {
        if (comp[0] === '+') pos = true;
        if (comp[0] === '-') pos = false;
        comp = comp.slice(1);
      }
      if (send && pos) continue;
      const re = /^\/(.*)\/([a-z]*)$/s.exec(comp);
      const cmp =
        value.startsWith('/') && re
          ? new RegExp(re[1] ?? '', (re[2] ?? '').includes('i') ? 'i' : '').test(hval)
          : hval.toLowerCase() === comp.toLowerCase();
      if (cmp) {
        if (!pos) return false;
        send = true;
      }
    }
    return send;
  }

  event(tokens: string[]): string {
    let keys = 0;
    let custom = false;
    tokens.forEach((tok, i) => {
      const fmt = tok.toLowerCase();
      if (i === 0 && (fmt === 'plain' || fmt === 'json' || fmt === 'xml')) {
        this.format = fmt;
        return;
      }
      if (custom) {
        this.subclasses.add(tok);
        return;
      }
      const name = tok.toUpperCase().replace(/^SWITCH_EVENT_/, '');
      if (!EVENT_NAMES.has(name)) return;
      keys++;
      if (name === 'ALL') this.all = true;
      this.names.add(name);
      if (name === 'CUSTOM') custom = true;
    });
    if (!keys) return '-ERR no keywords supplied';
    this.listening = true;
    return `+OK event listener enabled ${this.format}`;
  }

  nixevent(tokens: string[]): string {
    let keys = 0;
    let custom = false;
    for (const tok of tokens) {
      if (custom) {
        this.subclasses.delete(tok);
        continue;
      }
      const name = tok.toUpperCase();
      if (!EVENT_NAMES.has(name)) continue;
      keys++;
      if (name === 'CUSTOM') {
        custom = true;
      } else if (name === 'ALL') {
        this.all = false;
        this.names.clear();
      } else {
        if (this.all) {
          this.all = false;
          for (const n of EVENT_NAMES) if (n !== 'ALL') this.names.add(n);
        }
        this.names.delete(name);
      }
    }
    if (!keys) return '-ERR no keywords supplied';
    this.listening = true;
    return '+OK events nixed';
  }

  noevents(): string {
    if (!this.listening) return '-ERR not listening for events';
    this.listening = this.all = false;
    this.names.clear();
    this.subclasses.clear();
    return '+OK no longer listening for events';
  }

  filter(spec: string): string {
    const [name = '', value] = splitFirst(spec.replace(/^ +/, ''));
    if (name.toLowerCase() === 'delete' && value !== undefined) {
      const [dname = '', dvalue] = splitFirst(value);
      if (dname.toLowerCase() === 'all') this.filters = [];
      else
        this.filters = this.filters.filter(
          ([n, v]) =>
            !(n.toLowerCase() === dname.toLowerCase() && (dvalue === undefined || v === dvalue)),
        );
      return `+OK filter deleted. [${dname}][${dvalue ?? ''}]`;
    }
    if (value === undefined) return '-ERR invalid syntax';
    const [fname = '', fvalue = ''] =
      name.toLowerCase() === 'add' ? splitFirst(value) : [name, value];
    this.filters.push([fname, fvalue]);
    return `+OK filter added. [${fname}]=[${fvalue}]`;
  }

  myevents(tokens: string[], exists: (uuid: string) => boolean): string {
    if (this.myUuid) return '-ERR aready enabled.';
    const [uuid, fmt] = tokens;
    if (!uuid || !exists(uuid)) return '-ERR invalid uuid';
    this.myUuid = uuid;
    for (const n of MYEVENTS) this.names.add(n);
    if (fmt === 'json' || fmt === 'xml' || fmt === 'plain') this.format = fmt;
    this.listening = true;
    return '+OK Events Enabled';
  }
}
