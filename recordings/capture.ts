import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { HotlineError } from '../lib/errors.js';
import type { MediaRecording, RecordableBridge, RecordingFiles } from './media.js';
import type { PendingCapture, RecordingEntry } from './catalogue/entry.js';
import type { RecordingsDeps } from './deps.js';
import { ingest, ingestPending } from './ingest.js';
import { ignored } from '../lib/settle.js';

/** How long a live recording's lease lasts without renewal (a dead controller's lapses). */
const LEASE_MS = 60_000;
/** How long after the conversation ends the media server has to report its recording finished. */
const FINISH_GRACE_MS = 30_000;

/** What a recording is catalogued under: the call and who was in it. */
export interface CaptureMeta {
  callId: string;
  number: string;
  callerNumber: string;
  agentId?: string | undefined;
  queue?: string | undefined;
}

/** A conversation that can be recorded: its bridge, its server, what to catalogue it under. */
interface Bridged {
  meta: CaptureMeta;
  bridge: RecordableBridge;
  server: RecordingFiles;
  log: Logger;
  /** Tells the call's record which recording it has. */
  onStart?: ((recordingId: string) => void) | undefined;
  live?: LiveRecording | undefined;
  /** Resolves when the conversation ends (unregistered). */
  over: Promise<void>;
}

export interface LiveRecording {
  readonly id: string;
  readonly paused: boolean;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  /** The catalogue entry once stored (undefined when it could not be). */
  readonly stored: Promise<RecordingEntry | undefined>;
}

/**
 * Records caller-agent bridges. Each recording is marked pending in the catalogue before it
 * starts, so one whose controller dies is still found and stored by the next sweep. Storing runs
 * in the background after the bridge ends (the session does not wait); `drain` waits for it.
 * Conversations are registered while bridged, so on-demand recording, pause, resume and stop can
 * reach them by call id (the API does).
 */
export class RecordingCapture {
  private readonly bridged = new Map<string, Bridged>();
  private readonly storing = new Set<Promise<unknown>>();
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly deps: RecordingsDeps,
    private readonly opts: {
      commandTimeoutMs: number;
      quietMs?: number;
      giveUpMs?: number;
      finishGraceMs?: number;
    },
  ) {}

  /** Registers a conversation; returns the function that unregisters it when the call ends. */
  register(
    meta: CaptureMeta,
    bridge: RecordableBridge,
    server: RecordingFiles,
    log: Logger,
    onStart?: (recordingId: string) => void,
  ): () => void {
    let end: () => void = () => undefined;
    const over = new Promise<void>((resolve) => (end = resolve));
    this.bridged.set(meta.callId, { meta, bridge, server, log, onStart, over });
    return () => {
      this.bridged.delete(meta.callId);
      end();
    };
  }

  live(callId: string): LiveRecording | undefined {
    return this.bridged.get(callId)?.live;
  }

  isBridged(callId: string): boolean {
    return this.bridged.has(callId);
  }

  /** Starts recording a registered conversation (at connect for 'always', later on demand). */
  async start(callId: string): Promise<LiveRecording> {
    const b = this.bridged.get(callId);
    if (!b) throw new HotlineError('MEDIA_NOT_FOUND', `call ${callId} is not in a conversation`);
    if (b.live)
      throw new HotlineError('MEDIA_CONFLICT', `call ${callId} is already being recorded`);
    const id = `rec-${randomUUID()}`;
    const name = `hotline-${id}`;
    const pending: PendingCapture = {
      id,
      file: b.server.recordingFile(name, 'wav'),
      callId: b.meta.callId,
      number: b.meta.number,
      callerNumber: b.meta.callerNumber,
      ...(b.meta.agentId === undefined ? {} : { agentId: b.meta.agentId }),
      ...(b.meta.queue === undefined ? {} : { queue: b.meta.queue }),
      startedAt: this.deps.now().toISOString(),
    };
    // Marked before the media server writes a byte: a crash from here on leaves it findable. The
    // lease keeps every controller's sweep off it while it is live (it may sit paused for a while).
    await this.deps.catalogue.addPending(pending);
    await this.deps.catalogue.touchLive(id, LEASE_MS);
    this.inFlight.add(id);
    const opts = { timeoutMs: this.opts.commandTimeoutMs };
    let rec: MediaRecording;
    try {
      rec = await b.bridge.record({ ...opts, name, format: 'wav' });
    } catch (err) {
      this.inFlight.delete(id);
      await this.deps.catalogue
        .removePending(id)
        .catch(ignored(b.log, 'clearing the pending mark of a recording that did not start'));
      await this.deps.catalogue
        .endLive(id)
        .catch(ignored(b.log, 'ending the lease of a recording that did not start'));
      throw err;
    }
    let paused = false;
    const stored = this.store(rec, pending, b.log, b.over);
    const live: LiveRecording = {
      id,
      get paused() {
        return paused;
      },
      pause: async () => {
        await rec.pause(opts);
        paused = true;
      },
      resume: async () => {
        await rec.resume(opts);
        paused = false;
      },
      stop: () => rec.stop(opts),
      stored,
    };
    b.live = live;
    b.onStart?.(id);
    b.log.info({ recording: id }, 'recording started');
    return live;
  }

  private store(
    rec: MediaRecording,
    pending: PendingCapture,
    log: Logger,
    over: Promise<void>,
  ): Promise<RecordingEntry | undefined> {
    const lease = setInterval(
      () =>
        void this.deps.catalogue
          .touchLive(pending.id, LEASE_MS)
          .catch(ignored(log, 'renewing the lease of a live recording')),
      LEASE_MS / 3,
    );
    lease.unref();
    const task = (async () => {
      // The media server says when the recording ends; should that word be lost (a connection
      // that dropped), the conversation's end plus a grace period is the deadline.
      let grace: NodeJS.Timeout | undefined;
      let settled = false;
      const deadline = over.then(
        () =>
          new Promise<'deadline'>((resolve) => {
            if (settled) return;
            grace = setTimeout(
              () => resolve('deadline'),
              this.opts.finishGraceMs ?? FINISH_GRACE_MS,
            );
            grace.unref();
          }),
      );
      const end = await Promise.race([rec.done, deadline]);
      settled = true;
      clearTimeout(grace);
      clearInterval(lease);
      if (end === 'deadline')
        log.warn(
          { recording: pending.id },
          'no word from the media server that the recording ended; storing what was written',
        );
      else if (end.type === 'recording-failed')
        log.error(
          { recording: pending.id, reason: end.reason },
          'media server reports the recording failed; storing what was written',
        );
      try {
        return await ingest(this.deps, { ...pending, endedAt: this.deps.now().toISOString() });
      } catch (err) {
        // The pending mark stays: the next sweep tries again.
        log.error({ recording: pending.id, err }, 'recording not stored yet; it stays pending');
        await this.deps.catalogue
          .count(`failed:${err instanceof HotlineError ? err.code : 'UNKNOWN'}`)
          .catch(ignored(log, 'counting a recording not stored'));
        return undefined;
      } finally {
        this.inFlight.delete(pending.id);
        await this.deps.catalogue
          .endLive(pending.id)
          .catch(ignored(log, 'ending the lease of a recording'));
      }
    })();
    this.storing.add(task);
    void task.finally(() => this.storing.delete(task));
    return task;
  }

  /** Stores recordings left pending by a controller that stopped or crashed (not our live ones). */
  sweep(): Promise<{ ingested: number; failed: number; lost: number }> {
    return ingestPending(this.deps, {
      quietMs: this.opts.quietMs ?? 10_000,
      giveUpMs: this.opts.giveUpMs ?? 24 * 3600_000,
      skip: this.inFlight,
    });
  }

  /** Waits for recordings being stored (at shutdown). */
  async drain(deadlineMs: number): Promise<void> {
    const all = Promise.allSettled([...this.storing]);
    await Promise.race([all, new Promise((r) => setTimeout(r, deadlineMs).unref())]);
  }
}
