import type { Socket } from 'node:net';
import type { ApiOutput } from './api.js';
import type { PeerEvent } from './events.js';
import {
  AUTH_REQUEST,
  type ClientCommand,
  CommandParser,
  GOODBYE,
  apiResponse,
  commandReply,
  disconnectNotice,
  eventFrame,
  headerOf,
} from './frames.js';
import { Outbox } from './outbox.js';
import { Subscription, splitFirst } from './subscription.js';
import { type Timers, newUuid } from './world.js';

/**
 * One inbound event-socket connection (mod_event_socket.c listener_run / parse_command):
 * - `auth/request` first; until `auth <password>` succeeds only `auth` and `exit` work (any other
 *   command: "-ERR command not found", the connection stays); a wrong password is "-ERR invalid",
 *   the goodbye notice and a close; no command within authTimeoutMs (25 s): goodbye and close;
 * - commands run in order, one at a time; an `api` blocks the connection (events included)
 *   until it returns, as api_exec runs in the listener thread; `bgapi` replies at once;
 * - events matching the subscription are queued and written between commands, so a command's
 *   reply goes out before the events it caused;
 * - `exit`, a client half-close, or the end of the session: the 67-byte goodbye notice, FIN.
 */
export type FailMode = 'close-before-reply' | 'close-after-execute' | 'err';

export interface Injection {
  prefix: string;
  mode: FailMode;
  text: string;
}

export interface ConnectionHost {
  readonly password: string;
  readonly timers: Timers;
  readonly authTimeoutMs: number;
  readonly chunking: { maxChunk: number; maxDelayMs: number } | undefined;
  api(cmd: string, args: string): ApiOutput | undefined;
  bgapi(cmd: string, args: string, jobUuid: string, forced?: string): void;
  sendmsg(uuid: string, cmd: ClientCommand): string;
  sendevent(cmd: ClientCommand): string;
  channelExists(uuid: string): boolean;
  takeInjection(line: string): Injection | undefined;
  closed(conn: EslConnection): void;
}

export class EslConnection {
  authed = false;
  private readonly sub = new Subscription();
  private readonly parser = new CommandParser();
  private readonly inbox: ClientCommand[] = [];
  private readonly pending: string[] = [];
  private readonly out: Outbox;
  private processing = false;
  private busy = false;
  private swallow = false;
  private closing = false;
  private cancelAuthTimer: () => void;

  constructor(
    readonly socket: Socket,
    private readonly host: ConnectionHost,
  ) {
    this.out = new Outbox(socket, host.chunking, host.timers);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.inbox.push(...this.parser.push(chunk));
      this.process().catch((err: unknown) => host.timers.errors.push(err));
    });
    // The client closed its side: read_packet fails, listener_run says goodbye and closes.
    socket.on('end', () => this.goodbye(GOODBYE));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.cancelAuthTimer();
      host.closed(this);
    });
    this.write(AUTH_REQUEST);
    this.cancelAuthTimer = host.timers.after(host.authTimeoutMs, () => this.goodbye(GOODBYE));
  }

  private write(data: string): void {
    if (!this.swallow) this.out.write(data);
  }

  /** A disconnect-notice, then FIN (send_disconnect + close_socket). Queued events go first. */
  goodbye(message: string): void {
    if (this.closing) return;
    this.flush(true);
    this.closing = true;
    this.out.write(disconnectNotice(message));
    this.out.end();
  }

  /** Abrupt close: RST, no notice. */
  reset(): void {
    this.closing = true;
    this.socket.resetAndDestroy();
  }

  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  deliver(ev: PeerEvent): void {
    if (!this.authed || this.closing || !this.sub.wants(ev)) return;
    this.pending.push(eventFrame(this.sub.format, ev.headers, ev.body));
    if (this.pending.length === 1) this.host.timers.defer(() => this.flush());
  }

  private flush(force = false): void {
    if ((this.busy && !force) || this.closing) return;
    for (const frame of this.pending.splice(0)) this.write(frame);
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (let cmd = this.inbox.shift(); cmd && !this.closing; cmd = this.inbox.shift())
        await this.handle(cmd);
    } finally {
      this.processing = false;
    }
  }

  private reply(text: string, extra?: [string, string][]): void {
    this.write(commandReply(text, extra));
  }

  private async handle(cmd: ClientCommand): Promise<void> {
    // The auth timeout covers only the wait for the first command (listener_run's first read_packet).
    this.cancelAuthTimer();
    const line = cmd.line;
    const lower = line.toLowerCase();
    const injection = this.authed ? this.host.takeInjection(line) : undefined;
    if (injection?.mode === 'close-before-reply') {
      this.destroy();
      return;
    }
    if (injection?.mode === 'err') {
      if (lower.startsWith('api ')) {
        this.write(apiResponse(`${injection.text}\n`));
      } else if (lower.startsWith('bgapi ')) {
        const [name = '', args = ''] = splitFirst(line.slice(6));
        const jobUuid = headerOf(cmd, 'job-uuid') ?? newUuid();
        this.write(commandReply(`+OK Job-UUID: ${jobUuid}`, [['Job-UUID', jobUuid]]));
        this.host.bgapi(name, args, jobUuid, `${injection.text}\n`);
      } else {
        this.reply(injection.text);
      }
      return;
    }
    this.swallow = injection?.mode === 'close-after-execute';
    try {
      await this.dispatch(cmd, line, lower);
    } finally {
      if (this.swallow) this.destroy();
      this.swallow = false;
    }
  }

  private async dispatch(cmd: ClientCommand, line: string, lower: string): Promise<void> {
    const words = (from: number): string[] => line.slice(from).trim().split(/\s+/).filter(Boolean);
    if (lower.startsWith('exit') || lower.startsWith('...')) {
      this.reply('+OK bye');
      this.goodbye(GOODBYE);
      return;
    }
    if (!this.authed) {
      if (lower.startsWith('auth ') || lower.startsWith('userauth ')) {
        if (lower.startsWith('auth ') && line.slice(5) === this.host.password) {
          this.authed = true;
          this.reply('+OK accepted');
        } else {
          this.reply('-ERR invalid');
          this.goodbye(GOODBYE);
        }
      } else {
        this.reply('-ERR command not found');
      }
      return;
    }
    if (lower.startsWith('filter ')) return this.reply(this.sub.filter(line.slice(7)));
    if (lower.startsWith('myevents'))
      return this.reply(this.sub.myevents(words(8), (uuid) => this.host.channelExists(uuid)));
    if (lower.startsWith('divert_events')) return this.reply('-ERR not controlling a session.');
    if (lower.startsWith('sendmsg'))
      return this.reply(
        this.host.sendmsg(line.slice(7).trim() || (headerOf(cmd, 'session-id') ?? ''), cmd),
      );
    if (lower.startsWith('sendevent')) return this.reply(this.host.sendevent(cmd));
    if (lower.startsWith('api ')) return this.api(line.slice(4));
    if (lower.startsWith('bgapi ')) {
      const [name = '', args = ''] = splitFirst(line.slice(6));
      const jobUuid = headerOf(cmd, 'job-uuid') ?? newUuid();
      this.write(commandReply(`+OK Job-UUID: ${jobUuid}`, [['Job-UUID', jobUuid]]));
      this.host.bgapi(name, args, jobUuid);
      return;
    }
    if (lower.startsWith('log')) return this.reply(`+OK log level ${line.slice(4)} [7]`);
    if (lower.startsWith('linger') || lower.startsWith('nolinger'))
      return this.reply('-ERR not controlling a session');
    if (lower.startsWith('nolog')) return this.reply('-ERR not loging');
    if (lower.startsWith('event')) return this.reply(this.sub.event(words(5)));
    if (lower.startsWith('nixevent')) return this.reply(this.sub.nixevent(words(8)));
    if (lower.startsWith('noevents')) {
      this.pending.length = 0;
      return this.reply(this.sub.noevents());
    }
    this.reply('-ERR command not found');
  }

  /** `api <cmd> <args>`: the output as api/response; nothing written is "-ERR no reply". */
  private async api(rest: string): Promise<void> {
    const [name = '', args = ''] = splitFirst(rest);
    const out = this.host.api(name, args);
    if (out === undefined) {
      this.write(apiResponse(`-ERR ${name} Command not found!\n`));
      return;
    }
    let body: string;
    if (typeof out === 'string') {
      body = out;
    } else {
      this.busy = true;
      try {
        body = await out;
      } catch (err) {
        body = `-ERR ${String(err)}\n`;
      } finally {
        this.busy = false;
      }
    }
    this.write(apiResponse(body || '-ERR no reply\n'));
    this.host.timers.defer(() => this.flush());
  }
}
