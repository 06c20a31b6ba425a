import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { connectAri, type AriEvents } from './connect.js';
import type { AsteriskServerConfig } from '../../config/schema.js';
import { HotlineError, isHotlineError } from '../../../lib/errors.js';
import type { Logger } from '../../log/logger.js';
import { safeUrl } from '../../log/logger.js';
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
import { AriBridge } from './bridge.js';
import { AriChannel } from './channel.js';
import type { AriContext } from './context.js';
import { AriRest } from './rest.js';
import { resync, type ResyncHost } from './resync.js';
import { tidy } from './tidy.js';
import {
  bridgeInfo,
  channelInfo,
  ORIGINATED_ARG,
  translateEvent,
  type AriChannelJson,
} from './translate.js';
import { ignored } from '../../../lib/settle.js';

/** How often failed hang-ups and bridge removals are tried again (tidy.ts). */
const TIDY_EVERY_MS = 5000;

const CAPABILITIES: Capabilities = {
  holdingBridge: true,
  bridgeRecording: true,
  tones: true,
  snoop: true,
  talkDetection: true,
};

/** ARI events the adapter acts on (the event filter asks Asterisk for these alone). */
const EVENTS = [
  'StasisStart',
  'StasisEnd',
  'ChannelStateChange',
  'ChannelDtmfReceived',
  'ChannelTalkingStarted',
  'ChannelTalkingFinished',
  'ChannelHangupRequest',
  'ChannelDestroyed',
  'PlaybackStarted',
  'PlaybackFinished',
  'RecordingStarted',
  'RecordingFinished',
  'RecordingFailed',
] as const;
const ACTED_ON: ReadonlySet<string> = new Set(EVENTS);

/**
 * Asterisk over ARI: commands through AriRest, events from one WebSocket (connect.ts). This class
 * keeps a capped, jittered reconnect loop around the socket, and after every (re)connect re-reads
 * live channels, because Asterisk keeps no events while we are away.
 */
export class AsteriskServer implements MediaServer {
  readonly kind = 'asterisk' as const;
  readonly capabilities = CAPABILITIES;
  private readonly ctx: AriContext;
  private readonly channels = new Map<string, AriChannel>();
  /** Latest hang-up cause per channel, attached to its `ended` event. */
  private readonly causes = new Map<string, { code: number; text: string }>();
  /** Originated legs waiting for their StasisStart (answer). */
  private readonly originated = new Set<string>();
  /** Adopted agent legs in a conversation, kept for the caller's session to claim. */
  private readonly unclaimed = new Set<string>();
  private readonly callListeners = new Set<(channel: Channel) => void>();
  private readonly statusListeners = new Set<(status: ServerStatus) => void>();
  private current: ServerStatus = { ready: false, reason: 'not started' };
  private readonly closing = new AbortController();
  private events: AriEvents | undefined;
  private loop: Promise<void> | undefined;

  constructor(config: AsteriskServerConfig, log: Logger) {
    this.ctx = {
      config,
      rest: new AriRest(config.url, config.username, config.password),
      log: log.child({ mediaServer: config.id }),
      playbacks: new Map(),
      stoppedPlaybacks: new Set(),
      pendingHangups: new Set(),
      pendingDestroys: new Set(),
      bridges: new Set(),
      recordings: new Map(),
    };
  }

  get id(): string {
    return this.ctx.config.id;
  }

  start(): void {
    this.loop ??= this.connectLoop();
    this.tidying ??= setInterval(() => void this.tidyUp(), TIDY_EVERY_MS).unref();
  }

  private tidying: NodeJS.Timeout | undefined;
  private tidyRunning = false;

  /** Failed hang-ups and bridge removals, sent again while connected (tidy.ts). */
  private async tidyUp(): Promise<void> {
    if (
      this.tidyRunning ||
      !this.current.ready ||
      (this.ctx.pendingHangups.size === 0 && this.ctx.pendingDestroys.size === 0)
    )
      return;
    this.tidyRunning = true;
    try {
      await tidy(this.ctx, this.channels, {
        timeoutMs: this.ctx.config.commandTimeoutMs,
        signal: this.closing.signal,
      });
    } finally {
      this.tidyRunning = false;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.tidying);
    this.closing.abort();
    this.detach();
    await this.loop;
    this.ctx.rest.close();
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
    this.assertReady();
    const id = randomUUID();
    const channel = new AriChannel(this.ctx, {
      id,
      serverId: this.id,
      state: 'down',
      callerNumber: request.callerNumber ?? '',
      calledNumber: request.endpoint,
      inApplication: true,
    });
    // Registered before the request: its first events can beat the REST reply.
    this.channels.set(id, channel);
    this.originated.add(id);
    try {
      await this.ctx.rest.request('POST', '/channels', {
        ...opts,
        query: {
          endpoint: request.endpoint,
          app: this.ctx.config.app,
          appArgs: ORIGINATED_ARG,
          channelId: id,
          timeout: request.ringTimeoutSeconds,
          callerId: request.callerNumber
            ? `"${request.callerName ?? ''}" <${request.callerNumber}>`
            : undefined,
        },
        body: { variables: request.variables ?? {} },
      });
    } catch (err) {
      this.channels.delete(id);
      this.originated.delete(id);
      // Past our deadline Asterisk may still create it (the id is ours): make sure it goes.
      this.discard(`/channels/${id}`);
      throw err;
    }
    return channel;
  }

  async createBridge(kind: BridgeKind, opts: WaitOptions): Promise<Bridge> {
    this.assertReady();
    const id = randomUUID();
    try {
      await this.ctx.rest.request('POST', '/bridges', {
        ...opts,
        query: { type: kind, bridgeId: id, name: 'hotline' },
      });
    } catch (err) {
      this.discard(`/bridges/${id}`);
      throw err;
    }
    this.ctx.bridges.add(id);
    return new AriBridge(this.ctx, id, kind);
  }

  /**
   * Removes something we asked for but stopped waiting for (a deadline, the call ending): under
   * load Asterisk can still create it a moment later, and nobody would ever clean it up.
   */
  private discard(path: string): void {
    setTimeout(() => {
      this.ctx.rest
        .request('DELETE', path, { timeoutMs: this.ctx.config.commandTimeoutMs })
        .catch(ignored(this.ctx.log, 'removing something created after its deadline'));
    }, 1000).unref();
  }

  bridge(info: BridgeInfo): Bridge {
    this.ctx.bridges.add(info.id);
    return new AriBridge(this.ctx, info.id, info.kind);
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
    const [channels, bridges] = await Promise.all([
      this.ctx.rest.request<AriChannelJson[]>('GET', '/channels', opts),
      this.ctx.rest.request<{ id: string; bridge_type?: string; channels?: string[] }[]>(
        'GET',
        '/bridges',
        opts,
      ),
    ]);
    return {
      channels: channels.map((c) => channelInfo(c, this.id, this.ctx.config.app)),
      bridges: bridges.map((b) => bridgeInfo(b, this.id)),
    };
  }

  async playbackExists(playbackId: string, opts: WaitOptions): Promise<boolean> {
    try {
      await this.ctx.rest.request('GET', `/playbacks/${encodeURIComponent(playbackId)}`, opts);
      return true;
    } catch (err) {
      if (isHotlineError(err, 'MEDIA_NOT_FOUND')) return false;
      throw err;
    }
  }

  private assertReady(): void {
    if (!this.current.ready)
      throw new HotlineError(
        'MEDIA_NOT_CONNECTED',
        `${this.id}: not connected (${this.current.reason})`,
      );
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
        const events = await withDeadline('ARI connect', { timeoutMs: 10_000, signal }, (s) =>
          connectAri(this.ctx.rest, {
            url: config.url,
            username: config.username,
            password: config.password,
            app: config.app,
            timeoutMs: config.commandTimeoutMs,
            signal: s,
            onEvent: (event) => this.receive(event),
            log,
          }),
        );
        this.events = events;
        if (signal.aborted) break;
        this.connected();
        backoff.reset();
        // close() closes the socket, so this also ends when we are closing.
        const reason = await events.lost;
        if (!signal.aborted) {
          this.setStatus(false, reason);
          log.warn({ reason }, 'ARI connection lost; reconnecting');
        }
      } catch (err) {
        if (signal.aborted) break;
        const reason = err instanceof Error ? err.message : String(err);
        this.setStatus(false, `cannot reach ${safeUrl(config.url)}: ${reason}`);
        log.debug({ err }, 'ARI connect failed');
      }
      this.detach();
      if (signal.aborted) break;
      try {
        await sleep(backoff.next(), signal);
      } catch {
        break;
      }
    }
    this.detach();
  }

  /** The socket is open: ready, with the event filter set and live state re-read. */
  private connected(): void {
    this.setStatus(true, 'connected');
    this.filterEvents().catch((err: unknown) =>
      this.ctx.log.warn({ err }, 'ARI event filter not set; receiving all events'),
    );
    resync(this.resyncHost).catch((err: unknown) =>
      this.ctx.log.error({ err }, 'resync after connect failed'),
    );
  }

  /** Events other than those we act on (before the filter is set) are dropped unread. */
  private receive(event: unknown): void {
    const type = (event as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && ACTED_ON.has(type)) this.dispatch(event);
  }

  /**
   * Asks Asterisk to send only the events we act on: it then builds less JSON, and we parse less.
   */
  private async filterEvents(): Promise<void> {
    await this.ctx.rest.request(
      'PUT',
      `/applications/${encodeURIComponent(this.ctx.config.app)}/eventFilter`,
      {
        timeoutMs: this.ctx.config.commandTimeoutMs,
        signal: this.closing.signal,
        body: { allowed: EVENTS.map((type) => ({ type })) },
      },
    );
  }

  private detach(): void {
    this.events?.close();
    this.events = undefined;
  }

  private dispatch(raw: unknown): void {
    const t = translateEvent(raw, this.id, this.ctx.config.app);
    switch (t.kind) {
      case 'inbound':
        this.dispatchInbound(t.info);
        return;
      case 'originated-start': {
        if (this.originated.delete(t.channelId))
          this.channels.get(t.channelId)?.deliver({ type: 'answered', channelId: t.channelId });
        return;
      }
      case 'hangup-cause':
        this.causes.set(t.channelId, { code: t.code, text: t.text });
        return;
      case 'channel': {
        const channel = this.channels.get(t.event.channelId);
        if (!channel) return;
        if (t.event.type === 'ended') {
          const cause = this.causes.get(channel.id) ?? t.event.cause;
          this.forget(channel.id);
          channel.deliver({ ...t.event, cause });
          return;
        }
        if (
          t.event.type === 'playback-finished' &&
          this.ctx.stoppedPlaybacks.delete(t.event.playbackId)
        ) {
          channel.deliver({ ...t.event, completed: false });
          return;
        }
        channel.deliver(t.event);
        return;
      }
      case 'recording':
        this.ctx.recordings.get(t.event.name)?.(t.event);
        return;
      case 'ignored':
        return;
    }
  }

  private dispatchInbound(info: ChannelInfo): void {
    if (this.channels.has(info.id)) return;
    const channel = new AriChannel(this.ctx, info);
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

  /** What the resync after a (re)connect (resync.ts) may see and do of this server. */
  private get resyncHost(): ResyncHost {
    return {
      ctx: this.ctx,
      channels: this.channels,
      unclaimed: this.unclaimed,
      signal: this.closing.signal,
      liveState: (opts) => this.liveState(opts),
      playbackExists: (id, opts) => this.playbackExists(id, opts),
      forget: (id) => this.forget(id),
      dispatchInbound: (info) => this.dispatchInbound(info),
    };
  }

  private forget(channelId: string): void {
    this.channels.delete(channelId);
    this.causes.delete(channelId);
    this.originated.delete(channelId);
    this.unclaimed.delete(channelId);
    this.ctx.pendingHangups.delete(channelId);
  }
}
