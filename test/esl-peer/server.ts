import { type Server, type Socket, createServer } from 'node:net';
import { type ApiHost, type ApiOutput, runApi } from './api.js';
import { PeerCall } from './call.js';
import type { Channel } from './channel.js';
import type { Conference } from './conference.js';
import { EslConnection, type FailMode, type Injection } from './connection.js';
import { type EndpointFn, type PlaceCallOptions, createInbound, defaultEndpoint } from './dial.js';
import { EventFactory, type PeerEvent } from './events.js';
import { type ClientCommand, SHUTTING_DOWN } from './frames.js';
import { runBgapi, sendevent, sendmsg } from './messages.js';
import { type MediaInfo, resolveMedia } from './media.js';
import { type ModelOptions, Timers, type World, newUuid } from './world.js';

export interface EslPeerOptions {
  /** 0 (default): an ephemeral port; see `port` after start(). */
  port?: number;
  /** Only 127.0.0.1 is supported. */
  host?: '127.0.0.1';
  /** The event_socket.conf password (default ClueCon). */
  password?: string;
  /** FreeSWITCH-Hostname / -Switchname (default esl-peer). */
  hostname?: string;
  toneMs?: number;
  mediaMs?: (path: string) => number | undefined;
  soundPrefix?: string;
  /** What originated endpoints do (default: dial.ts defaultEndpoint). */
  endpoint?: EndpointFn;
  /** Write every outgoing message in random small pieces with small delays. */
  splitOutgoing?: boolean | { maxChunk?: number; maxDelayMs?: number };
  /** A channel appears in `show channels` this long after creation (default 0; the capture saw a lag). */
  showChannelsLagMs?: number;
  /** Seconds mod_event_socket waits for `auth` (25 s) in ms. */
  authTimeoutMs?: number;
  /** Between the SHUTDOWN event and the disconnect-notice (the capture: about 1.2 s; default 100 ms). */
  shutdownNoticeDelayMs?: number;
  unknownApp?: 'hangup' | 'complete';
  /** Modules `module_exists` reports. */
  modules?: string[];
  domain?: string;
}

const MODULES = [
  'mod_commands',
  'mod_conference',
  'mod_dptools',
  'mod_event_socket',
  'mod_sofia',
  'mod_sndfile',
  'mod_tone_stream',
  'mod_local_stream',
  'mod_dialplan_xml',
];

/**
 * An in-process FreeSWITCH 1.10.12 as seen through mod_event_socket (inbound mode) on
 * 127.0.0.1: a TCP server speaking the ESL protocol, and a model of channels, applications and
 * conferences that test scripts drive (placeCall, PeerCall.press/hangup, originated legs).
 */
export class EslPeer implements World, ApiHost {
  readonly timers = new Timers();
  readonly channels = new Map<string, Channel>();
  readonly conferences = new Map<string, Conference>();
  readonly opts: ModelOptions;
  readonly modules: readonly string[];
  readonly password: string;
  readonly authTimeoutMs: number;
  readonly chunking: { maxChunk: number; maxDelayMs: number } | undefined;
  factory: EventFactory;
  endpoint: EndpointFn;
  startedAt = Date.now();
  sessionsSinceStart = 0;
  peakSessions = 0;
  private readonly all = new Map<string, PeerCall>();
  private readonly outbound: PeerCall[] = [];
  private readonly legWaiters: ((leg: PeerCall) => void)[] = [];
  private readonly listeners = new Set<(ev: PeerEvent) => void>();
  private readonly conns = new Set<EslConnection>();
  private readonly injections: Injection[] = [];
  private server: Server | undefined;
  private boundPort: number;
  private memberIds = 0;

  constructor(private readonly options: EslPeerOptions = {}) {
    this.password = options.password ?? 'ClueCon';
    this.authTimeoutMs = options.authTimeoutMs ?? 25_000;
    this.boundPort = options.port ?? 0;
    this.endpoint = options.endpoint ?? defaultEndpoint;
    this.modules = options.modules ?? MODULES;
    const split = options.splitOutgoing;
    this.chunking = split
      ? {
          maxChunk: (split === true ? undefined : split.maxChunk) ?? 7,
          maxDelayMs: (split === true ? undefined : split.maxDelayMs) ?? 2,
        }
      : undefined;
    this.opts = {
      toneMs: options.toneMs ?? 1000,
      mediaMs: options.mediaMs,
      soundPrefix: options.soundPrefix,
      unknownApp: options.unknownApp ?? 'hangup',
      domain: options.domain ?? '127.0.0.1',
      showChannelsLagMs: options.showChannelsLagMs ?? 0,
    };
    this.factory = this.newFactory();
  }

  private newFactory(): EventFactory {
    return new EventFactory({
      coreUuid: newUuid(),
      hostname: this.options.hostname ?? 'esl-peer',
      ipv4: '127.0.0.1',
      ipv6: '::1',
    });
  }

  /** Starts listening (again, on the same port after shutdown/close); resolves with the port. */
  async start(): Promise<number> {
    if (this.server) return this.boundPort;
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : this.boundPort;
    this.server = server;
    this.factory = this.newFactory();
    this.startedAt = Date.now();
    return this.boundPort;
  }

  get world(): World {
    return this;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Open client connections. */
  get connections(): number {
    return this.conns.size;
  }

  /** Model errors caught in timers (should stay empty). */
  get errors(): readonly unknown[] {
    return this.timers.errors;
  }

  private accept(socket: Socket): void {
    if (!this.server) {
      socket.destroy();
      return;
    }
    this.conns.add(new EslConnection(socket, this));
  }

  closed(conn: EslConnection): void {
    this.conns.delete(conn);
  }

  // ---- World --------------------------------------------------------------------------------

  fire(ev: PeerEvent): void {
    for (const conn of this.conns) conn.deliver(ev);
    for (const l of [...this.listeners]) l(ev);
  }

  media(path: string): MediaInfo {
    return resolveMedia(path, this.opts);
  }

  nextMemberId(): number {
    return ++this.memberIds;
  }

  channelGone(ch: Channel): void {
    if (this.channels.get(ch.uuid) === ch) this.channels.delete(ch.uuid);
  }

  // ---- ConnectionHost / ApiHost ---------------------------------------------------------------

  api(cmd: string, args: string): ApiOutput | undefined {
    return runApi(this, cmd, args);
  }

  bgapi(cmd: string, args: string, jobUuid: string, forced?: string): void {
    runBgapi(this, cmd, args, jobUuid, forced);
  }

  sendmsg(uuid: string, cmd: ClientCommand): string {
    return sendmsg(this, uuid, cmd);
  }

  sendevent(cmd: ClientCommand): string {
    return sendevent(this, cmd);
  }

  channelExists(uuid: string): boolean {
    return !!this.channels.get(uuid)?.isUp;
  }

  takeInjection(line: string): Injection | undefined {
    const at = this.injections.findIndex((i) =>
      line.toLowerCase().startsWith(i.prefix.toLowerCase()),
    );
    return at < 0 ? undefined : this.injections.splice(at, 1)[0];
  }

  onLeg(ch: Channel): void {
    const leg = this.track(ch);
    this.outbound.push(leg);
    for (const w of this.legWaiters.splice(0)) w(leg);
  }

  fsctlShutdown(): void {
    this.timers.defer(
      () => void this.shutdown().catch((err: unknown) => this.timers.errors.push(err)),
    );
  }

  private track(ch: Channel): PeerCall {
    const call = new PeerCall(ch, this);
    this.all.set(ch.uuid, call);
    this.sessionsSinceStart++;
    this.peakSessions = Math.max(this.peakSessions, this.channels.size);
    return call;
  }

  // ---- test API ---------------------------------------------------------------------------

  /** A caller dials `calledNumber`; the dialplan parks the call (CHANNEL_EXECUTE park, CHANNEL_PARK). */
  placeCall(opts: PlaceCallOptions): PeerCall {
    return this.track(createInbound(this, opts));
  }

  /** Channels that are up. */
  get calls(): PeerCall[] {
    return [...this.channels.keys()]
      .map((id) => this.all.get(id))
      .filter((c): c is PeerCall => !!c);
  }

  /** Every originated leg, in order (ended ones too). */
  get legs(): readonly PeerCall[] {
    return this.outbound;
  }

  call(uuid: string): PeerCall | undefined {
    return this.all.get(uuid);
  }

  /** The next originated leg (the next one created after this call). */
  nextLeg(timeoutMs = 5000): Promise<PeerCall> {
    return new Promise((resolve, reject) => {
      const cancel = this.timers.after(timeoutMs, () => {
        this.legWaiters.splice(this.legWaiters.indexOf(waiter), 1);
        reject(new Error(`esl-peer: no originated leg within ${timeoutMs} ms`));
      });
      const waiter = (leg: PeerCall): void => {
        cancel();
        resolve(leg);
      };
      this.legWaiters.push(waiter);
    });
  }

  setEndpoint(endpoint: EndpointFn): void {
    this.endpoint = endpoint;
  }

  /** A conference as the model sees it (members newest first, as FreeSWITCH lists them). */
  conference(name: string):
    | {
        name: string;
        uuid: string;
        members: { id: number; uuid: string; hear: boolean; speak: boolean }[];
        recordings: string[];
      }
    | undefined {
    const c = this.conferences.get(name);
    return (
      c && {
        name: c.name,
        uuid: c.uuid,
        members: c.members.map((m) => ({
          id: m.id,
          uuid: m.ch.uuid,
          hear: m.hear,
          speak: m.speak,
        })),
        recordings: c.recordings.map((r) => r.path),
      }
    );
  }

  /** Every event the peer fires (whether or not a client subscribed). */
  onEvent(listener: (ev: PeerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The next command starting with `prefix` (e.g. `api uuid_kill`, `bgapi originate`, `sendmsg`)
   * fails: `close-before-reply` drops the connection without running it, `close-after-execute`
   * runs it and drops the connection instead of replying, `err` replies `text` instead.
   */
  failNext(prefix: string, mode: FailMode, text = '-ERR injected failure'): void {
    this.injections.push({ prefix, mode, text });
  }

  /**
   * Like `fsctl shutdown`: SHUTDOWN event, every channel hung up with SYSTEM_SHUTDOWN, then each
   * connection gets "The system is being shut down.\n" as a disconnect-notice and a FIN.
   */
  async shutdown(): Promise<void> {
    if (!this.server) return;
    this.fire({
      name: 'SHUTDOWN',
      headers: [...this.factory.base('SHUTDOWN'), ['Event-Info', 'System Shutting Down']],
    });
    for (const ch of [...this.channels.values()]) ch.hangup('SYSTEM_SHUTDOWN', 'local');
    await new Promise<void>((resolve) =>
      this.timers.after(this.options.shutdownNoticeDelayMs ?? 100, resolve),
    );
    for (const conn of [...this.conns]) conn.goodbye(SHUTTING_DOWN);
    await this.stopListening(1000);
  }

  /** Destroys every client connection abruptly (RST, no notice); the peer keeps running. */
  dropConnections(): void {
    for (const conn of [...this.conns]) conn.reset();
  }

  /** Stops everything: connections closed, timers cleared, channels and conferences forgotten. */
  async close(): Promise<void> {
    for (const conn of [...this.conns]) conn.destroy();
    await this.stopListening(200);
    this.timers.clearAll();
    for (const ch of [...this.channels.values()]) ch.vanish();
    this.channels.clear();
    this.conferences.clear();
  }

  private async stopListening(graceMs: number): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const deadline = new Promise<void>((resolve) => {
      const t = setTimeout(resolve, graceMs);
      void closed.then(() => clearTimeout(t));
    });
    await Promise.race([closed, deadline]);
    for (const conn of [...this.conns]) conn.destroy();
    await closed;
  }
}
