import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FreeswitchServerConfig } from '../../config/schema.js';
import { HotlineError } from '../../../lib/errors.js';
import type { Logger } from '../../log/logger.js';
import { Backoff } from '../../../lib/backoff.js';
import { sleep, withDeadline, type Unsubscribe, type WaitOptions } from '../../../lib/wait.js';
import type {
  Bridge,
  BridgeInfo,
  BridgeKind,
  Capabilities,
  Channel,
  ChannelInfo,
  LiveState,
  MediaServer,
  OriginateRequest,
  RecordOptions,
  ServerStatus,
} from '../types.js';
import { FsBridge } from './bridge.js';
import { FsChannel } from './channel.js';
import { EslConnection } from './connection.js';
import { FsContext } from './context.js';
import type { EslMessage } from './reader.js';
import { resync, type FsResyncHost } from './resync.js';
import {
  bridgeName,
  causeFromJob,
  channelRows,
  conferenceRows,
  ROLE_VARIABLE,
  SUBSCRIBED_EVENTS,
  translateEvent,
} from './translate.js';
import { ignored } from '../../../lib/settle.js';

const CAPABILITIES: Capabilities = {
  holdingBridge: true,
  bridgeRecording: true,
  tones: true,
  snoop: false,
  talkDetection: false,
};

/**
 * FreeSWITCH over the inbound event socket. The dialplan parks 400-number calls (CHANNEL_PARK
 * hands them over); bridges are conferences; agents' legs are originated with `&park()`. A
 * capped, jittered reconnect loop of our own (modesl has none), and after every reconnect the
 * live channels are read again: FreeSWITCH keeps no events for a client that was away.
 */
export class FreeswitchServer implements MediaServer {
  readonly kind = 'freeswitch' as const;
  readonly capabilities = CAPABILITIES;
  private readonly ctx: FsContext;
  private readonly channels = new Map<string, FsChannel>();
  /** Legs we originated, by id, until they end (a restarted controller learns them from hotline_role). */
  private readonly originated = new Set<string>();
  private readonly unclaimed = new Set<string>();
  private readonly callListeners = new Set<(channel: Channel) => void>();
  private readonly statusListeners = new Set<(status: ServerStatus) => void>();
  private current: ServerStatus = { ready: false, reason: 'not started' };
  private readonly closing = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(config: FreeswitchServerConfig, log: Logger) {
    this.ctx = new FsContext(config, log.child({ mediaServer: config.id }));
  }

  get id(): string {
    return this.ctx.config.id;
  }

  start(): void {
    this.loop ??= this.connectLoop();
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.ctx.connection?.close();
    await this.loop;
    this.setStatus(false, 'closed');
  }

  status(): ServerStatus {
    return this.current;
  }

  onStatus(listener: (status: ServerStatus) => void): Unsubscribe {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onCall(listener: (channel: Channel) => void): Unsubscribe {
    this.callListeners.add(listener);
    return () => this.callListeners.delete(listener);
  }

  async originate(request: OriginateRequest, opts: WaitOptions): Promise<Channel> {
    const conn = this.ctx.conn();
    if (opts.signal?.aborted)
      throw new HotlineError('CALL_ENDED', 'the call ended before originate');
    const id = randomUUID();
    const vars: Record<string, string> = {
      ...(request.variables ?? {}),
      origination_uuid: id,
      [ROLE_VARIABLE]: 'originated',
      originate_timeout: String(request.ringTimeoutSeconds),
    };
    if (request.callerNumber) vars.origination_caller_id_number = request.callerNumber;
    if (request.callerName) vars.origination_caller_id_name = request.callerName;
    const channel = new FsChannel(this.ctx, {
      id,
      serverId: this.id,
      state: 'down',
      callerNumber: request.callerNumber ?? '',
      calledNumber: request.endpoint,
      inApplication: true,
      role: 'originated',
    });
    // Registered before the command: the leg's CHANNEL_ANSWER comes before its BACKGROUND_JOB.
    this.channels.set(id, channel);
    this.originated.add(id);
    const job = conn.bgapi(`originate {${channelVariables(vars)}}${request.endpoint} &park()`, {
      timeoutMs: (request.ringTimeoutSeconds + 10) * 1000,
    });
    job.result.then(
      (body) => {
        if (body.startsWith('-ERR')) this.endLeg(id, causeFromJob(body));
      },
      (err: unknown) => {
        // No answer from FreeSWITCH in time, or the connection went: make sure the leg goes.
        this.ctx.log.warn({ channelId: id, err }, 'originate did not finish; hanging the leg up');
        this.discard(id);
      },
    );
    try {
      await withDeadline('originate', opts, () => job.accepted);
    } catch (err) {
      this.forget(id);
      this.discard(id);
      throw err;
    }
    return channel;
  }

  // Nothing is sent: FreeSWITCH creates a conference with its first member.
  createBridge(kind: BridgeKind, opts: WaitOptions): Promise<Bridge> {
    if (opts.signal?.aborted)
      return Promise.reject(
        new HotlineError('CALL_ENDED', 'the call ended before the bridge was made'),
      );
    if (!this.ctx.connection?.isOpen)
      return Promise.reject(
        new HotlineError('MEDIA_NOT_CONNECTED', `${this.id}: not connected to FreeSWITCH`),
      );
    return Promise.resolve(new FsBridge(this.ctx, bridgeName(kind, randomUUID()), kind));
  }

  bridge(info: BridgeInfo): Bridge {
    return new FsBridge(this.ctx, info.id, info.kind);
  }

  recordingFile(name: string, format: RecordOptions['format']): string {
    return join(this.ctx.config.recordingsDir, `${name}.${format}`);
  }

  channel(id: string): Channel | undefined {
    const channel = this.channels.get(id);
    if (channel) this.unclaimed.delete(id);
    return channel;
  }

  async liveState(opts: WaitOptions): Promise<LiveState> {
    const [channels, conferences] = await Promise.all([
      this.ctx.api('show channels as json', opts),
      this.ctx.api('conference json_list', opts).catch(() => ''),
    ]);
    return {
      channels: channelRows(channels, this.id, this.originated),
      bridges: conferenceRows(conferences, this.id).bridges,
    };
  }

  /** The current event-socket connection (tests read its pending work). */
  connection(): EslConnection | undefined {
    return this.ctx.connection;
  }

  playbackExists(playbackId: string): Promise<boolean> {
    return Promise.resolve(this.ctx.playbacks.has(playbackId));
  }

  private setStatus(ready: boolean, reason: string): void {
    if (this.current.ready === ready && this.current.reason === reason) return;
    this.current = { ready, reason };
    this.ctx.log.info({ ready, reason }, ready ? 'media server ready' : 'media server not ready');
    for (const listener of this.statusListeners) listener(this.current);
  }

  private async connectLoop(): Promise<void> {
    const { config, log } = this.ctx;
    const backoff = new Backoff(config.reconnect);
    const signal = this.closing.signal;
    while (!signal.aborted) {
      try {
        const conn = await EslConnection.open({
          host: config.host,
          port: config.port,
          password: config.password,
          events: SUBSCRIBED_EVENTS,
          timeoutMs: 10_000,
          signal,
        });
        conn.onEvent((m) => this.dispatch(m));
        this.ctx.connection = conn;
        this.setStatus(true, 'connected');
        backoff.reset();
        resync(this.resyncHost).catch((err: unknown) =>
          log.error({ err }, 'resync after connect failed'),
        );
        const reason = await conn.closed;
        if (!signal.aborted) {
          log.warn({ reason }, 'ESL connection lost; reconnecting');
          this.setStatus(false, `ESL connection lost: ${reason}`);
        }
      } catch (err) {
        if (signal.aborted) break;
        const reason = err instanceof Error ? err.message : String(err);
        this.setStatus(false, `cannot reach ${config.host}:${config.port}: ${reason}`);
        log.debug({ err }, 'ESL connect failed');
      }
      this.ctx.connection = undefined;
      if (signal.aborted) break;
      try {
        await sleep(backoff.next(), signal);
      } catch {
        break;
      }
    }
  }

  private dispatch(message: EslMessage): void {
    const ev = translateEvent(message, this.id);
    switch (ev.kind) {
      case 'park':
        // A channel we know parks again after leaving a conference; an originated leg parks on answer.
        if (!this.channels.has(ev.info.id) && ev.info.role === 'inbound' && ev.info.inApplication)
          this.dispatchInbound(ev.info);
        return;
      case 'answered':
        this.channels.get(ev.channelId)?.deliver({ type: 'answered', channelId: ev.channelId });
        return;
      case 'dtmf':
        this.channels.get(ev.channelId)?.deliver({
          type: 'dtmf',
          channelId: ev.channelId,
          digit: ev.digit,
          durationMs: ev.durationMs,
        });
        return;
      case 'execute':
        this.channels.get(ev.channelId)?.executing(ev.appUuid);
        return;
      case 'record-start':
        this.ctx.recordings.get(ev.path)?.({ type: 'recording-started', name: '' });
        return;
      case 'record-stop':
        this.ctx.recordings.get(ev.path)?.({ type: 'recording-finished', name: '' });
        return;
      case 'hangup':
        this.endLeg(ev.channelId, ev.cause);
        return;
      case 'conference':
        if (ev.action === 'start-recording')
          this.ctx.recordings.get(ev.path)?.({ type: 'recording-started', name: '' });
        if (ev.action === 'stop-recording')
          this.ctx.recordings.get(ev.path)?.({ type: 'recording-finished', name: '' });
        this.ctx.conference(ev);
        return;
      case 'shutdown':
        this.ctx.log.warn('FreeSWITCH is shutting down');
        return;
      case 'ignored':
        return;
    }
  }

  private dispatchInbound(info: ChannelInfo): void {
    const channel = new FsChannel(this.ctx, info);
    this.channels.set(channel.id, channel);
    if (this.callListeners.size === 0) {
      this.ctx.log.warn({ channelId: channel.id }, 'call with no handler; hanging up');
      void channel
        .hangup('congestion')
        .catch(ignored(this.ctx.log, 'hanging up a call with no handler'));
      return;
    }
    for (const listener of this.callListeners) listener(channel);
  }

  private endLeg(channelId: string, cause: { code: number; text: string }): void {
    const channel = this.channels.get(channelId);
    this.forget(channelId);
    channel?.deliver({ type: 'ended', channelId, cause });
  }

  /** A leg we gave up on may still come to life on FreeSWITCH: kill it by its id, later. */
  private discard(channelId: string): void {
    setTimeout(() => {
      void this.ctx.connection
        ?.bgapi(`uuid_kill ${channelId}`, { timeoutMs: this.ctx.config.commandTimeoutMs })
        .result.catch(ignored(this.ctx.log, 'killing a leg given up on'));
    }, 1000).unref();
  }

  private get resyncHost(): FsResyncHost {
    return {
      ctx: this.ctx,
      channels: this.channels,
      originated: this.originated,
      unclaimed: this.unclaimed,
      signal: this.closing.signal,
      liveState: (opts) => this.liveState(opts),
      forget: (id) => this.forget(id),
      dispatchInbound: (info) => this.dispatchInbound(info),
    };
  }

  private forget(channelId: string): void {
    this.channels.delete(channelId);
    this.originated.delete(channelId);
    this.unclaimed.delete(channelId);
    this.ctx.pendingHangups.delete(channelId);
    this.ctx.members.delete(channelId);
  }
}

/** `{a=1,b='x,y'}` values: quoted when they hold a comma or a space (mod_commands originate syntax). */
function channelVariables(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => {
      if (!/^[A-Za-z0-9_]+$/.test(k) || /['{}\r\n]/.test(v))
        throw new HotlineError(
          'MEDIA_REJECTED',
          `channel variable not allowed in originate: ${k.slice(0, 40)}`,
        );
      return /[, ]/.test(v) ? `${k}='${v}'` : `${k}=${v}`;
    })
    .join(',');
}
