import { type Socket, connect } from 'node:net';

/**
 * A deliberately small ESL client for the peer's own tests, written from the wire format (no
 * library): frames are a header block, a blank line and Content-Length body bytes.
 */
export interface Frame {
  headers: Record<string, string>;
  body: string;
  /** The frame's exact text as received. */
  text: string;
}

export type Ev = Record<string, string>;

export class RawClient {
  readonly frames: Frame[] = [];
  /** Number of `data` events (TCP reads) seen. */
  reads = 0;
  received = Buffer.alloc(0);
  readonly ended: Promise<void>;
  readonly closed: Promise<void>;
  private buf = Buffer.alloc(0);
  private readonly consumed = new Set<number>();
  private wake: (() => void) | undefined;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.reads++;
      this.received = Buffer.concat([this.received, chunk]);
      this.buf = Buffer.concat([this.buf, chunk]);
      this.parse();
      this.wake?.();
    });
    socket.on('error', () => undefined);
    this.ended = new Promise((resolve) => socket.once('end', () => resolve()));
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects and authenticates (auth/request, `auth ClueCon`, +OK accepted). */
  static async authed(port: number, password = 'ClueCon'): Promise<RawClient> {
    const c = await RawClient.open(port);
    await c.until((f) => f.headers['Content-Type'] === 'auth/request');
    const reply = await c.command(`auth ${password}`);
    if (reply.headers['Reply-Text'] !== '+OK accepted')
      throw new Error(`auth failed: ${reply.headers['Reply-Text']}`);
    return c;
  }

  private parse(): void {
    for (;;) {
      const end = this.buf.indexOf('\n\n');
      if (end < 0) return;
      const head = this.buf.subarray(0, end).toString('utf8');
      const headers: Record<string, string> = {};
      for (const line of head.split('\n')) {
        const colon = line.indexOf(': ');
        if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 2);
      }
      const length = Number(headers['Content-Length'] ?? 0);
      if (this.buf.length < end + 2 + length) return;
      const body = this.buf.subarray(end + 2, end + 2 + length).toString('utf8');
      const text = this.buf.subarray(0, end + 2 + length).toString('utf8');
      this.buf = this.buf.subarray(end + 2 + length);
      this.frames.push({ headers, body, text });
    }
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** The oldest frame not yet taken that matches (waits for it). */
  until(match: (f: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const at = this.frames.findIndex((f, i) => !this.consumed.has(i) && match(f));
        if (at >= 0) {
          this.consumed.add(at);
          this.wake = undefined;
          clearTimeout(timer);
          resolve(this.frames[at] as Frame);
        }
      };
      const timer = setTimeout(
        () => {
          this.wake = undefined;
          reject(
            new Error(`no matching frame within ${timeoutMs} ms; got ${this.frames.length} frames`),
          );
        },
        Math.max(0, deadline - Date.now()),
      );
      this.wake = check;
      check();
    });
  }

  /** Sends a command and waits for its command/reply. */
  command(line: string, headers: Record<string, string> = {}): Promise<Frame> {
    this.send(
      `${line}\n${Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\n`)
        .join('')}\n`,
    );
    return this.until((f) => f.headers['Content-Type'] === 'command/reply');
  }

  async api(cmd: string): Promise<string> {
    this.send(`api ${cmd}\n\n`);
    return (await this.until((f) => f.headers['Content-Type'] === 'api/response')).body;
  }

  /** The next event with this Event-Name (and matching `match`). */
  async event(name: string, match: (e: Ev) => boolean = () => true, timeoutMs = 3000): Promise<Ev> {
    const f = await this.until(
      (fr) => isEvent(fr) && parseEvent(fr)['Event-Name'] === name && match(parseEvent(fr)),
      timeoutMs,
    );
    return parseEvent(f);
  }

  /** All events received so far, parsed, in order. */
  events(): Ev[] {
    return this.frames.filter(isEvent).map(parseEvent);
  }

  close(): void {
    this.socket.destroy();
  }
}

export function isEvent(f: Frame): boolean {
  return (f.headers['Content-Type'] ?? '').startsWith('text/event-');
}

/** An event's headers: plain (URL-decoded, a `_body` after an inner Content-Length) or json. */
export function parseEvent(f: Frame): Ev {
  if (f.headers['Content-Type'] === 'text/event-json') return JSON.parse(f.body) as Ev;
  const ev: Ev = {};
  const end = f.body.indexOf('\n\n');
  const head = end < 0 ? f.body : f.body.slice(0, end);
  for (const line of head.split('\n')) {
    const colon = line.indexOf(': ');
    if (colon > 0) ev[line.slice(0, colon)] = decodeURIComponent(line.slice(colon + 2));
  }
  if (ev['Content-Length'] !== undefined && end >= 0) ev['_body'] = f.body.slice(end + 2);
  return ev;
}
