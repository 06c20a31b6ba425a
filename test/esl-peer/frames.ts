/**
 * The ESL wire format, as mod_event_socket writes and reads it.
 *
 * Server to client (mod_event_socket.c, listener_run / api_exec / send_disconnect):
 * - every message is a header block `Name: value\n`, a blank line, then exactly Content-Length
 *   body bytes; `auth/request` and `command/reply` carry no body;
 * - `command/reply` is `Content-Type: command/reply\nReply-Text: <text>\n\n`; bgapi's reply adds
 *   `Job-UUID:` after Reply-Text (the `~` form of the reply buffer);
 * - `api/response` is `Content-Type: api/response\nContent-Length: N\n\n<body>`;
 * - events are framed `Content-Length: N\nContent-Type: text/event-<fmt>\n\n` (Content-Length
 *   BEFORE Content-Type, as captured in esl-b-events-plain.txt);
 * - plain events: one `Name: value` line per header with the value URL-encoded by
 *   switch_url_encode (SWITCH_URL_UNSAFE plus bytes outside 0x20..0x7e), then a blank line, or
 *   `Content-Length: N\n\n<body>` when the event has a body (BACKGROUND_JOB);
 * - json events: one object, values not encoded, the body under `_body` after a string
 *   `Content-Length` (esl-c-events-json.txt); duplicate headers stay duplicate keys.
 *
 * Client to server (read_packet): bytes up to the first blank line (two `\n`, `\r` ignored) form
 * one command: the first line is the command, the following `name: value` lines are headers, and
 * a `content-length` header is followed by that many body bytes. Leading CR/LF are skipped.
 */

export type Header = readonly [name: string, value: string];

/** switch_utils.h SWITCH_URL_UNSAFE. */
const URL_UNSAFE = '\r\n #%&+:;<=>?@[\\]^`{|}"';

/** switch_url_encode: unsafe characters and bytes outside printable ASCII become %XX (upper case). */
export function urlEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out +=
      byte < 0x20 || byte > 0x7e || URL_UNSAFE.includes(ch)
        ? `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
        : ch;
  }
  return out;
}

export function urlDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, '%2B'));
  } catch {
    return value;
  }
}

export const AUTH_REQUEST = 'Content-Type: auth/request\n\n';
/** The text listener_run sends with send_disconnect() when a session ends normally (67 bytes). */
export const GOODBYE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';
/** kill_all_listeners() on shutdown (31 bytes). */
export const SHUTTING_DOWN = 'The system is being shut down.\n';

export function commandReply(replyText: string, extra: readonly Header[] = []): string {
  return `Content-Type: command/reply\nReply-Text: ${replyText}\n${extra.map(([n, v]) => `${n}: ${v}\n`).join('')}\n`;
}

export function apiResponse(body: string): string {
  return `Content-Type: api/response\nContent-Length: ${Buffer.byteLength(body)}\n\n${body}`;
}

export function disconnectNotice(message: string): string {
  return `Content-Type: text/disconnect-notice\nContent-Length: ${Buffer.byteLength(message)}\n\n${message}`;
}

export type EventFormat = 'plain' | 'json' | 'xml';

/** switch_event_serialize(event, &str, SWITCH_TRUE). */
export function serializePlain(headers: readonly Header[], body?: string): string {
  const lines = headers.map(([n, v]) => `${n}: ${urlEncode(v)}\n`).join('');
  return body ? `${lines}Content-Length: ${Buffer.byteLength(body)}\n\n${body}` : `${lines}\n`;
}

/** switch_event_serialize_json: header order kept, the body under `_body`. */
export function serializeJson(headers: readonly Header[], body?: string): string {
  const parts = headers.map(([n, v]) => `${JSON.stringify(n)}:${JSON.stringify(v)}`);
  if (body)
    parts.push(
      `"Content-Length":${JSON.stringify(String(Buffer.byteLength(body)))}`,
      `"_body":${JSON.stringify(body)}`,
    );
  return `{${parts.join(',')}}`;
}

function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** An approximation of switch_event_xmlize (not captured; see README). */
export function serializeXml(headers: readonly Header[], body?: string): string {
  const hs = headers.map(([n, v]) => `    <${n}>${xmlEscape(urlEncode(v))}</${n}>\n`).join('');
  const b = body ? `  <body>${xmlEscape(body)}</body>\n` : '';
  return `<event>\n  <headers>\n${hs}  </headers>\n${b}</event>\n`;
}

export function eventFrame(format: EventFormat, headers: readonly Header[], body?: string): string {
  const payload =
    format === 'json'
      ? serializeJson(headers, body)
      : format === 'xml'
        ? serializeXml(headers, body)
        : serializePlain(headers, body);
  return `Content-Length: ${Buffer.byteLength(payload)}\nContent-Type: text/event-${format}\n\n${payload}`;
}

/** One command read from a client. */
export interface ClientCommand {
  line: string;
  headers: [string, string][];
  body?: string;
}

/** A header by name, case-insensitive (switch_event_get_header). */
export function headerOf(cmd: ClientCommand, name: string): string | undefined {
  const lower = name.toLowerCase();
  return cmd.headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** Incremental reader of client commands: handles commands split across reads and several per read. */
export class CommandParser {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: { cmd: ClientCommand; length: number } | undefined;

  push(chunk: Buffer): ClientCommand[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: ClientCommand[] = [];
    for (;;) {
      if (this.waiting) {
        if (this.buf.length < this.waiting.length) return out;
        const { cmd, length } = this.waiting;
        cmd.body = this.buf.subarray(0, length).toString('utf8');
        this.buf = this.buf.subarray(length);
        this.waiting = undefined;
        out.push(cmd);
        continue;
      }
      let start = 0;
      while (start < this.buf.length && (this.buf[start] === 0x0a || this.buf[start] === 0x0d))
        start++;
      this.buf = this.buf.subarray(start);
      const end = endOfHead(this.buf);
      if (end < 0) return out;
      const head = this.buf.subarray(0, end).toString('utf8');
      this.buf = this.buf.subarray(end + 1);
      const cmd = parseHead(head);
      const length = Number.parseInt(headerOf(cmd, 'content-length') ?? '0', 10);
      if (length > 0) this.waiting = { cmd, length };
      else out.push(cmd);
    }
  }
}

/** Index of the `\n` that completes the second newline in a row (`\r` does not break the run). */
function endOfHead(buf: Buffer): number {
  let newlines = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b === 0x0a) {
      if (++newlines === 2) return i;
    } else if (b !== 0x0d) {
      newlines = 0;
    }
  }
  return -1;
}

function parseHead(head: string): ClientCommand {
  const lines = head.split('\n').map((l) => l.replace(/\r$/, ''));
  const cmd: ClientCommand = { line: lines[0] ?? '', headers: [] };
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (!line || colon < 0) continue;
    cmd.headers.push([line.slice(0, colon), line.slice(colon + 1).replace(/^ +/, '')]);
  }
  return cmd;
}
