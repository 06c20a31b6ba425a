import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HotlineError } from '../../lib/errors.js';
import { mono16Wav } from '../../media/speech/pcm.js';
import type {
  Bridge,
  BridgeInfo,
  BridgeKind,
  Capabilities,
  Channel,
  ChannelEvent,
  ChannelInfo,
  ChannelRecordOptions,
  Digit,
  LiveState,
  Media,
  MediaServer,
  OriginateRequest,
  PlayOptions,
  Playback,
  RecordOptions,
  Recording,
  RecordingEvent,
  ServerStatus,
  SnoopDirection,
} from '../../controller/media-server/types.js';
import type { Unsubscribe, WaitOptions } from '../../lib/wait.js';

/**
 * An in-memory media server that follows the contract: the reference implementation the
 * contract suite is checked against, and the scripted double for session and verb tests.
 * Timing is real but short: each media item "plays" for `mediaMs(media)` milliseconds.
 */
export interface ScriptOptions {
  mediaMs?: (media: Media) => number;
  /** What an originated endpoint does: answer after ms, or fail with a cause. */
  endpoint?: (
    endpoint: string,
  ) => { answerAfterMs: number } | { failAfterMs: number; cause: number };
  /** How long a recorded caller "speaks" before the silence that ends a channel recording. */
  recordMs?: number;
  /** What the caller says at a speech turn: a WAV file copied in as the recording (none: silence). */
  callerSays?: (channel: FakeChannel) => string | undefined;
}

export interface PlayedMedia {
  channelId: string;
  media: Media[];
  completed?: boolean;
}

export class ScriptedMediaServer implements MediaServer {
  readonly id: string;
  readonly kind = 'asterisk' as const;
  readonly capabilities: Capabilities = {
    holdingBridge: true,
    bridgeRecording: true,
    tones: true,
    snoop: true,
    talkDetection: true,
  };
  readonly played: PlayedMedia[] = [];
  readonly recordings: { channelId: string; name: string }[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly bridges = new Map<string, FakeBridge>();
  readonly playbacks = new Map<string, FakeChannel>();
  private readonly callListeners = new Set<(c: Channel) => void>();
  private readonly statusListeners = new Set<(s: ServerStatus) => void>();
  private current: ServerStatus = { ready: false, reason: 'not started' };

  constructor(
    readonly options: ScriptOptions = {},
    id = 'scripted',
  ) {
    this.id = id;
  }

  start(): void {
    this.setStatus({ ready: true, reason: 'connected' });
  }

  close(): Promise<void> {
    this.setStatus({ ready: false, reason: 'closed' });
    return Promise.resolve();
  }

  status(): ServerStatus {
    return this.current;
  }

  setStatus(status: ServerStatus): void {
    this.current = status;
    for (const l of this.statusListeners) l(status);
  }

  onStatus(listener: (s: ServerStatus) => void): Unsubscribe {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onCall(listener: (c: Channel) => void): Unsubscribe {
    this.callListeners.add(listener);
    return () => this.callListeners.delete(listener);
  }

  /** A caller dials in. */
  injectCall(call: {
    calledNumber: string;
    callerNumber?: string;
    sipCallId?: string;
  }): FakeChannel {
    const channel = new FakeChannel(this, {
      id: randomUUID(),
      serverId: this.id,
      state: 'ringing',
      callerNumber: call.callerNumber ?? '13812345678',
      calledNumber: call.calledNumber,
      sipCallId: call.sipCallId,
      inApplication: true,
    });
    this.channels.set(channel.id, channel);
    for (const l of this.callListeners) l(channel);
    return channel;
  }

  async originate(request: OriginateRequest, opts: WaitOptions): Promise<Channel> {
    this.assertReady(opts);
    const channel = new FakeChannel(this, {
      id: randomUUID(),
      serverId: this.id,
      state: 'down',
      callerNumber: request.callerNumber ?? '',
      calledNumber: request.endpoint,
      inApplication: true,
    });
    this.channels.set(channel.id, channel);
    const behaviour = this.options.endpoint?.(request.endpoint) ?? { answerAfterMs: 20 };
    if ('answerAfterMs' in behaviour) {
      setTimeout(() => channel.markAnswered(), behaviour.answerAfterMs);
    } else {
      setTimeout(() => channel.end(behaviour.cause, 'failed'), behaviour.failAfterMs);
    }
    return Promise.resolve(channel);
  }

  async createBridge(kind: BridgeKind, opts: WaitOptions): Promise<Bridge> {
    this.assertReady(opts);
    const bridge = new FakeBridge(this, randomUUID(), kind);
    this.bridges.set(bridge.id, bridge);
    return Promise.resolve(bridge);
  }

  channel(id: string): Channel | undefined {
    return this.channels.get(id);
  }

  /** Recordings land here (a temp folder of this fake). */
  readonly recordingsDir = mkdtempSync(join(tmpdir(), 'hotline-fake-rec-'));

  recordingFile(name: string, format: RecordOptions['format']): string {
    return join(this.recordingsDir, `${name}.${format}`);
  }

  bridge(info: BridgeInfo): Bridge {
    const bridge = this.bridges.get(info.id);
    if (!bridge) throw new HotlineError('MEDIA_NOT_FOUND', `bridge ${info.id} not found`);
    return bridge;
  }

  async liveState(opts: WaitOptions): Promise<LiveState> {
    this.assertReady(opts);
    return Promise.resolve({
      channels: [...this.channels.values()].map((c) => ({ ...c.info })),
      bridges: [...this.bridges.values()].map((b) => ({
        id: b.id,
        serverId: this.id,
        kind: b.kind,
        channelIds: [...b.members],
      })),
    });
  }

  playbackExists(playbackId: string): Promise<boolean> {
    return Promise.resolve(this.playbacks.has(playbackId));
  }

  private assertReady(opts: WaitOptions): void {
    if (opts.signal?.aborted) throw new HotlineError('CALL_ENDED', 'aborted');
    if (!this.current.ready) throw new HotlineError('MEDIA_NOT_CONNECTED', 'not connected');
  }
}

export class FakeChannel implements Channel {
  private readonly listeners = new Set<(e: ChannelEvent) => void>();
  private readonly endController = new AbortController();
  private readonly variables = new Map<string, string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly server: ScriptedMediaServer,
    readonly info: ChannelInfo,
  ) {}

  get id(): string {
    return this.info.id;
  }

  get ended(): AbortSignal {
    return this.endController.signal;
  }

  on(listener: (e: ChannelEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  listenerCount(): number {
    return this.listeners.size;
  }

  emit(event: ChannelEvent): void {
    if (this.ended.aborted) return;
    for (const l of [...this.listeners]) l(event);
  }

  /** The caller presses a key. */
  press(digit: Digit): void {
    this.emit({ type: 'dtmf', channelId: this.id, digit, durationMs: 100 });
  }

  /** The far end hangs up. */
  farHangup(code = 16): void {
    this.end(code, 'normal clearing');
  }

  markAnswered(): void {
    if (this.ended.aborted) return;
    this.info.state = 'up';
    this.emit({ type: 'answered', channelId: this.id });
  }

  end(code: number, text: string): void {
    if (this.ended.aborted) return;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const [id, ch] of this.server.playbacks) if (ch === this) this.server.playbacks.delete(id);
    this.server.channels.delete(this.id);
    for (const b of this.server.bridges.values()) b.members.delete(this.id);
    this.emit({ type: 'ended', channelId: this.id, cause: { code, text } });
    this.listeners.clear();
    this.endController.abort();
  }

  private check(opts: WaitOptions): void {
    if (this.ended.aborted || opts.signal?.aborted)
      throw new HotlineError('CALL_ENDED', 'channel ended');
  }

  async answer(opts: WaitOptions): Promise<void> {
    this.check(opts);
    this.later(1, () => this.markAnswered());
    return Promise.resolve();
  }

  async play(media: Media | Media[], opts: PlayOptions): Promise<Playback> {
    this.check(opts);
    const list = Array.isArray(media) ? media : [media];
    const id = opts.playbackId ?? randomUUID();
    const record: PlayedMedia = { channelId: this.id, media: list };
    this.server.played.push(record);
    this.server.playbacks.set(id, this);
    let settle: (completed: boolean) => void = () => undefined;
    const done = new Promise<boolean>((resolve) => (settle = resolve));
    const off = this.on((ev) => {
      if (ev.type === 'ended') finish(false);
    });
    const finish = (completed: boolean): void => {
      if (!this.server.playbacks.has(id) && record.completed !== undefined) return;
      off();
      clearTimeout(timer);
      this.server.playbacks.delete(id);
      record.completed = completed;
      this.emit({ type: 'playback-finished', channelId: this.id, playbackId: id, completed });
      settle(completed);
    };
    const ms = list.reduce((sum, m) => sum + (this.server.options.mediaMs?.(m) ?? 50), 0);
    this.later(0, () =>
      this.emit({ type: 'playback-started', channelId: this.id, playbackId: id }),
    );
    const timer = this.later(ms, () => finish(true));
    return Promise.resolve({
      id,
      done,
      stop: () => {
        if (this.server.playbacks.has(id)) finish(false);
        return Promise.resolve();
      },
    });
  }

  /** A spy: a channel of its own in the application, ended with this one. */
  snoop(
    opts: WaitOptions & { spy: SnoopDirection; whisper: SnoopDirection },
  ): Promise<{ id: string; hangup(): Promise<void> }> {
    this.check(opts);
    const spy = new FakeChannel(this.server, {
      id: randomUUID(),
      serverId: this.server.id,
      state: 'up',
      callerNumber: '',
      calledNumber: '',
      inApplication: true,
      role: 'snoop',
    });
    this.server.channels.set(spy.id, spy);
    const end = (): void => spy.end(16, 'normal clearing');
    this.ended.addEventListener('abort', end, { once: true });
    return Promise.resolve({
      id: spy.id,
      hangup: () => {
        end();
        return Promise.resolve();
      },
    });
  }

  /** Keys sent to the caller, in order (tests read them). */
  readonly sentDtmf: string[] = [];

  sendDtmf(digits: string, opts: WaitOptions): Promise<void> {
    this.check(opts);
    this.sentDtmf.push(digits);
    return Promise.resolve();
  }

  /** How the controller hung up (a refusal is 'congestion', SIP 503). */
  hungUpWith: string | undefined;

  hangup(cause: 'normal' | 'busy' | 'congestion' | 'no-answer' = 'normal'): Promise<void> {
    if (!this.ended.aborted) this.hungUpWith = cause;
    this.end(
      cause === 'congestion' ? 34 : 16,
      cause === 'congestion' ? 'congestion' : 'normal clearing',
    );
    return Promise.resolve();
  }

  /** Speech turns: the scripted caller talks (the configured file) and then falls silent. */
  recordCaller(opts: RecordOptions): Promise<Recording> {
    this.check(opts);
    const source = this.server.options.callerSays?.(this);
    const file = this.server.recordingFile(opts.name, opts.format);
    if (source) copyFileSync(source, file);
    else writeFileSync(file, silentWav(1000));
    const speakMs = this.server.options.recordMs ?? 1000;
    if (source && this.talkDetection) {
      this.later(50, () => this.emit({ type: 'talking-started', channelId: this.id }));
      this.later(50 + speakMs, () =>
        this.emit({ type: 'talking-finished', channelId: this.id, durationMs: speakMs }),
      );
    }
    return this.record({
      ...opts,
      maxDurationSeconds: Math.min(opts.maxDurationSeconds ?? 60, (speakMs + 600) / 1000),
    });
  }

  private talkDetection = false;

  detectTalking(opts: WaitOptions & { silenceMs: number; thresholdMs: number }): Promise<void> {
    this.check(opts);
    this.talkDetection = true;
    return Promise.resolve();
  }

  record(opts: ChannelRecordOptions): Promise<Recording> {
    this.check(opts);
    const started = Date.now();
    let settle: (e: RecordingEvent) => void = () => undefined;
    const done = new Promise<RecordingEvent>((resolve) => (settle = resolve));
    const finish = (): void =>
      settle({ type: 'recording-finished', name: opts.name, durationMs: Date.now() - started });
    // The scripted caller speaks for `recordMs`, then is silent: the silence ends the recording.
    this.later(
      Math.min((opts.maxDurationSeconds ?? 60) * 1000, this.server.options.recordMs ?? 1000),
      finish,
    );
    this.ended.addEventListener('abort', finish, { once: true });
    this.server.recordings.push({ channelId: this.id, name: opts.name });
    return Promise.resolve({
      name: opts.name,
      done,
      stop: () => Promise.resolve(finish()),
      pause: () => Promise.resolve(),
      resume: () => Promise.resolve(),
    });
  }

  async setVariable(name: string, value: string, opts: WaitOptions): Promise<void> {
    this.check(opts);
    this.variables.set(name, value);
    return Promise.resolve();
  }

  async getVariable(name: string, opts: WaitOptions): Promise<string | undefined> {
    this.check(opts);
    return Promise.resolve(this.variables.get(name));
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }
}

class FakeBridge implements Bridge {
  readonly members = new Set<string>();
  moh = false;

  constructor(
    private readonly server: ScriptedMediaServer,
    readonly id: string,
    readonly kind: BridgeKind,
  ) {}

  private check(): void {
    if (!this.server.bridges.has(this.id))
      throw new HotlineError('MEDIA_NOT_FOUND', 'bridge not found');
  }

  async add(channelIds: string | readonly string[]): Promise<void> {
    this.check();
    const ids = typeof channelIds === 'string' ? [channelIds] : channelIds;
    for (const id of ids)
      if (!this.server.channels.has(id))
        throw new HotlineError('MEDIA_NOT_FOUND', 'channel not found');
    for (const id of ids) {
      // One bridge at a time, as on the real servers: a channel elsewhere moves here.
      for (const other of this.server.bridges.values())
        if (other !== this) other.members.delete(id);
      this.members.add(id);
    }
    return Promise.resolve();
  }

  async remove(channelId: string): Promise<void> {
    this.check();
    this.members.delete(channelId);
    return Promise.resolve();
  }

  async startMusicOnHold(): Promise<void> {
    this.check();
    this.moh = true;
    return Promise.resolve();
  }

  async stopMusicOnHold(): Promise<void> {
    this.check();
    this.moh = false;
    return Promise.resolve();
  }

  async record(opts: RecordOptions): Promise<Recording> {
    this.check();
    const started = Date.now();
    let settle: (e: RecordingEvent) => void = () => undefined;
    const done = new Promise<RecordingEvent>((resolve) => (settle = resolve));
    return Promise.resolve({
      name: opts.name,
      done,
      stop: () => {
        settle({ type: 'recording-finished', name: opts.name, durationMs: Date.now() - started });
        return Promise.resolve();
      },
      pause: () => Promise.resolve(),
      resume: () => Promise.resolve(),
    });
  }

  destroy(): Promise<void> {
    this.server.bridges.delete(this.id);
    return Promise.resolve();
  }
}

/** A WAV header and `ms` of 8 kHz 16-bit silence. */
function silentWav(ms: number): Buffer {
  return mono16Wav(new Int16Array(Math.round(ms * 8)), 8000);
}
