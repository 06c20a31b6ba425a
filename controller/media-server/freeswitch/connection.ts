import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { HotlineError } from '../../../lib/errors.js';
import type { Unsubscribe, WaitOptions } from '../../../lib/wait.js';
import { withDeadline } from '../../../lib/wait.js';
import { EslReader, type EslMessage } from './reader.js';
import { ignored } from '../../../lib/settle.js';

/**
 * One inbound event-socket connection to FreeSWITCH (mod_event_socket). modesl reads the frames
 * (reader.ts); commands are ours, because modesl's Connection writes `sendmsg` without queueing a
 * slot for its reply (so the next command takes the wrong answer), has no deadlines, and leaves
 * callbacks pending forever when the socket drops.
 *
 * mod_event_socket answers the commands of one connection in order, one `command/reply` or
 * `api/response` each: the reply queue relies on that. Background jobs are matched by the
 * `Job-UUID` we send with `bgapi`, executed applications by the `Event-UUID` we send with
 * `sendmsg`, which FreeSWITCH echoes as `Application-UUID` on CHANNEL_EXECUTE_COMPLETE.
 */
export interface EslConnectOptions extends WaitOptions {
  host: string;
  port: number;
  password: string;
  /** Event names to subscribe to (never `all`: a slow listener of everything gets dropped). */
  events: readonly string[];
}

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

interface Execution extends Pending<EslMessage> {
  channelId: string;
}

export class EslConnection {
  private readonly replies: (Pending<EslMessage> | undefined)[] = [];
  private readonly jobs = new Map<string, Pending<string>>();
  private readonly executions = new Map<string, Execution>();
  private readonly listeners = new Set<(event: EslMessage) => void>();
  private readonly reader: EslReader;
  private lostReason: string | undefined;
  /** The text of a `text/disconnect-notice`, kept to explain the close that follows. */
  private notice: string | undefined;
  private resolveClosed: (reason: string) => void = () => undefined;
  /** Resolves with the reason once the connection is gone, whoever closed it. */
  readonly closed: Promise<string> = new Promise((resolve) => (this.resolveClosed = resolve));

  private constructor(private readonly socket: Socket) {
    this.reader = new EslReader((m) => this.receive(m));
    socket.on('data', (chunk: Buffer) => {
      try {
        this.reader.push(chunk);
      } catch (err) {
        this.lose(err instanceof Error ? err.message : String(err));
      }
    });
    socket.on('error', (err) =>
      this.lose(`socket error: ${(err as NodeJS.ErrnoException).code ?? err.message}`),
    );
    socket.on('close', () => this.lose('connection closed'));
  }

  /** Connects, authenticates and subscribes; every step inside the one deadline. */
  static async open(opts: EslConnectOptions): Promise<EslConnection> {
    const where = `${opts.host}:${opts.port}`;
    return withDeadline(`ESL connect to ${where}`, opts, async (signal) => {
      const socket = await new Promise<Socket>((resolve, reject) => {
        const s = connect({ host: opts.host, port: opts.port, noDelay: true });
        const fail = (err: Error): void =>
          reject(
            new HotlineError(
              'MEDIA_NOT_CONNECTED',
              `ESL ${where}: ${(err as NodeJS.ErrnoException).code ?? err.message}`,
              { cause: err },
            ),
          );
        s.once('error', fail);
        s.once('connect', () => {
          s.off('error', fail);
          resolve(s);
        });
        signal.addEventListener('abort', () => s.destroy(), { once: true });
      });
      const conn = new EslConnection(socket);
      const onAbort = (): void => conn.destroy('connect deadline');
      signal.addEventListener('abort', onAbort, { once: true });
      try {
        // FreeSWITCH speaks first: `Content-Type: auth/request`, which takes the first reply slot.
        await conn.expectReply();
        const auth = await conn.command(`auth ${opts.password}`);
        if (!replyOk(auth))
          throw new HotlineError(
            'MEDIA_AUTH_FAILED',
            `ESL ${where}: authentication refused (${auth.headers['Reply-Text'] ?? 'no reply'})`,
          );
        if (opts.events.length > 0) {
          const sub = await conn.command(`event plain ${opts.events.join(' ')}`);
          if (!replyOk(sub))
            throw new HotlineError(
              'MEDIA_REJECTED',
              `ESL ${where}: subscription refused (${sub.headers['Reply-Text'] ?? ''})`,
            );
        }
        return conn;
      } catch (err) {
        conn.destroy('connect failed');
        throw err;
      } finally {
        signal.removeEventListener('abort', onAbort);
      }
    });
  }

  get isOpen(): boolean {
    return this.lostReason === undefined;
  }

  /** What is still waiting on this connection (for leak checks): all zero once it is closed. */
  pending(): { replies: number; jobs: number; executions: number; listeners: number } {
    return {
      replies: this.replies.length,
      jobs: this.jobs.size,
      executions: this.executions.size,
      listeners: this.listeners.size,
    };
  }

  onEvent(listener: (event: EslMessage) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** `api <command>`: the response body. FreeSWITCH runs it on the socket's thread, so keep them short. */
  async api(command: string, opts: WaitOptions): Promise<string> {
    const reply = await withDeadline(`ESL api ${verb(command)}`, opts, (signal) =>
      this.command(`api ${command}`, {}, signal),
    );
    return reply.body;
  }

  /**
   * `bgapi <command>` with our Job-UUID: `accepted` once FreeSWITCH queued it, `result` with the
   * BACKGROUND_JOB body (`+OK ...` or `-ERR ...`). The deadline covers the whole job.
   */
  bgapi(
    command: string,
    opts: WaitOptions,
  ): { jobId: string; accepted: Promise<void>; result: Promise<string> } {
    const jobId = randomUUID();
    const what = `ESL bgapi ${verb(command)}`;
    let markAccepted: () => void = () => undefined;
    let failAccepted: (err: unknown) => void = () => undefined;
    const accepted = new Promise<void>((resolve, reject) => {
      markAccepted = resolve;
      failAccepted = reject;
    });
    accepted.catch(() => undefined); // the caller's to handle; never an unhandled rejection meanwhile
    const result = withDeadline(what, opts, async (signal) => {
      const job = new Promise<string>((resolve, reject) => {
        this.jobs.set(jobId, { resolve, reject });
        signal.addEventListener(
          'abort',
          () => {
            this.jobs.delete(jobId);
            reject(new Error('aborted'));
          },
          { once: true },
        );
      });
      job.catch(() => undefined); // returned below; never an unhandled rejection meanwhile
      const reply = await this.command(`bgapi ${command}`, { 'Job-UUID': jobId }, signal);
      if (!replyOk(reply)) {
        this.jobs.delete(jobId);
        throw eslError(reply.headers['Reply-Text'] ?? '-ERR', what);
      }
      markAccepted();
      return job;
    });
    result.catch((err: unknown) => failAccepted(err));
    return { jobId, accepted, result };
  }

  /**
   * Runs a dialplan application on a channel (`sendmsg` execute). Resolves `accepted` when
   * FreeSWITCH queued it, `completed` with CHANNEL_EXECUTE_COMPLETE. Applications queue per
   * channel and run one after another; `completed` has no deadline of its own (a playback lasts
   * as long as it lasts) but rejects when the channel hangs up or the connection is lost.
   */
  execute(
    channelId: string,
    app: string,
    arg: string,
    opts: WaitOptions & { eventLock?: boolean },
  ): { eventUuid: string; accepted: Promise<void>; completed: Promise<EslMessage> } {
    const eventUuid = randomUUID();
    const completed = new Promise<EslMessage>((resolve, reject) =>
      this.executions.set(eventUuid, { resolve, reject, channelId }),
    );
    completed.catch(() => undefined); // the caller's to handle; never an unhandled rejection meanwhile
    const headers: Record<string, string> = { 'call-command': 'execute', 'execute-app-name': app };
    if (arg) headers['execute-app-arg'] = arg;
    if (opts.eventLock) headers['event-lock'] = 'true';
    headers['Event-UUID'] = eventUuid;
    const accepted = withDeadline(`ESL execute ${app}`, opts, (signal) =>
      this.command(`sendmsg ${channelId}`, headers, signal),
    ).then((reply) => {
      if (!replyOk(reply))
        throw eslError(reply.headers['Reply-Text'] ?? '-ERR', `ESL execute ${app}`);
    });
    accepted.catch((err: unknown) =>
      this.settleExecution(eventUuid, err instanceof Error ? err : new Error(String(err))),
    );
    return { eventUuid, accepted, completed };
  }

  /** Says goodbye (`exit`) and closes; pending commands fail with MEDIA_NOT_CONNECTED. */
  async close(timeoutMs = 1000): Promise<void> {
    if (!this.isOpen) return;
    await withDeadline('ESL exit', { timeoutMs }, (signal) =>
      this.command('exit', {}, signal),
    ).catch(ignored(undefined, 'saying goodbye to FreeSWITCH'));
    this.destroy('closed by us');
  }

  destroy(reason: string): void {
    this.socket.destroy();
    this.lose(reason);
  }

  private expectReply(): Promise<EslMessage> {
    return new Promise((resolve, reject) => {
      if (this.lostReason !== undefined) reject(this.lostError());
      else this.replies.push({ resolve, reject });
    });
  }

  private command(
    line: string,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<EslMessage> {
    if (this.lostReason !== undefined) return Promise.reject(this.lostError());
    if (/[\r\n]/.test(line) || Object.entries(headers).some(([k, v]) => /[\r\n]/.test(k + v))) {
      // A newline would end the command early and smuggle in another one.
      return Promise.reject(
        new HotlineError('MEDIA_REJECTED', 'ESL: a command may not contain line breaks'),
      );
    }
    let text = `${line}\n`;
    for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\n`;
    const reply = new Promise<EslMessage>((resolve, reject) => {
      const slot: Pending<EslMessage> = { resolve, reject };
      this.replies.push(slot);
      // Past the deadline the reply still comes and must still take its slot: only forget the waiter.
      signal?.addEventListener(
        'abort',
        () => {
          const at = this.replies.indexOf(slot);
          if (at >= 0) this.replies[at] = undefined;
          reject(new Error('aborted'));
        },
        { once: true },
      );
    });
    this.socket.write(`${text}\n`);
    return reply;
  }

  private receive(message: EslMessage): void {
    switch (message.contentType) {
      case 'auth/request':
      case 'command/reply':
      case 'api/response': {
        const slot = this.replies.shift();
        slot?.resolve(message);
        return;
      }
      case 'text/event-plain':
      case 'text/event-json':
        this.receiveEvent(message);
        return;
      case 'text/disconnect-notice':
        // FreeSWITCH is about to close (exit, wrong password, shutdown): say why when it does.
        this.notice = message.body.trim();
        return;
      default:
        // log/data and content types this version does not know: not ours to act on.
        return;
    }
  }

  private receiveEvent(event: EslMessage): void {
    const name = event.headers['Event-Name'];
    if (name === 'BACKGROUND_JOB') {
      const id = event.headers['Job-UUID'] ?? '';
      const job = this.jobs.get(id);
      if (job) {
        this.jobs.delete(id);
        job.resolve(event.body);
      }
    } else if (name === 'CHANNEL_EXECUTE_COMPLETE') {
      const id = event.headers['Application-UUID'] ?? '';
      const run = this.executions.get(id);
      if (run) {
        this.executions.delete(id);
        run.resolve(event);
      }
    } else if (name === 'CHANNEL_HANGUP_COMPLETE') {
      // Applications still queued on a channel that hung up never run: release their waiters.
      const channelId = event.headers['Unique-ID'];
      for (const [id, run] of this.executions) {
        if (run.channelId === channelId)
          this.settleExecution(id, new HotlineError('CALL_ENDED', 'the channel hung up'));
      }
    }
    for (const listener of this.listeners) listener(event);
  }

  private settleExecution(id: string, err: Error): void {
    const run = this.executions.get(id);
    if (!run) return;
    this.executions.delete(id);
    run.reject(err);
  }

  private lostError(): HotlineError {
    return new HotlineError(
      'MEDIA_NOT_CONNECTED',
      `ESL connection lost: ${this.lostReason ?? 'unknown'}`,
    );
  }

  /** Ends everything still waiting on this connection: nothing is left pending or listening. */
  private lose(reason: string): void {
    if (this.lostReason !== undefined) return;
    this.lostReason = this.notice ? `${reason} (${this.notice})` : reason;
    this.socket.destroy();
    const err = this.lostError();
    for (const slot of this.replies.splice(0)) slot?.reject(err);
    for (const job of this.jobs.values()) job.reject(err);
    this.jobs.clear();
    for (const run of this.executions.values()) run.reject(err);
    this.executions.clear();
    this.listeners.clear();
    this.resolveClosed(this.lostReason);
  }
}

function replyOk(reply: EslMessage): boolean {
  return (reply.headers['Reply-Text'] ?? '').startsWith('+OK');
}

/** The first word of a command, for messages and logs: arguments can carry numbers and passwords. */
function verb(command: string): string {
  return command.split(' ', 1)[0] ?? '';
}

/** FreeSWITCH's `-ERR <reason>` as a typed error. */
export function eslError(text: string, what: string): HotlineError {
  const reason = text.replace(/^-ERR(OR)?\s*/, '').trim();
  // uuid_answer says a bare `-ERROR` when the channel is gone; others name it.
  if (
    /^-ERROR\s*$/.test(text) ||
    /no such channel|invalid session id|cannot locate session|not found/i.test(reason)
  )
    return new HotlineError('MEDIA_NOT_FOUND', `${what}: ${reason || 'no such channel'}`);
  return new HotlineError('MEDIA_REJECTED', `${what}: ${reason || 'refused'}`, {
    details: { reason },
  });
}
