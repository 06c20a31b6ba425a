import { AdmissionControl } from './admission.js';
import type { CallOutcome, CallRecord, CallRecordStore } from '../calls/record.js';
import type { Config } from '../config/schema.js';
import { isCallEnded, isHotlineError } from '../../lib/errors.js';
import type { Logger } from '../log/logger.js';
import { maskNumber } from '../../lib/mask.js';
import type { Channel, MediaServer } from '../media-server/types.js';
import type { Unsubscribe } from '../../lib/wait.js';
import type { CallContext } from './context.js';
import type { RoutingService } from '../acd/service.js';
import type { RecordingCapture } from '../../recordings/capture.js';
import { ignored } from '../../lib/settle.js';

/** A call handler written in code (the built-in welcome flow, tests). */
export type CallHandler = (call: CallContext) => Promise<CallOutcome>;

/** Resumes an adopted call from its previous record; undefined when there is nothing to resume. */
export type AdoptedCallHandler = (
  call: CallContext,
  previous: CallRecord | undefined,
) => Promise<CallOutcome | undefined>;

export interface RunnerDeps {
  config: Pick<Config, 'controller' | 'session' | 'log' | 'numbers' | 'overload'>;
  routing?: RoutingService | undefined;
  log: Logger;
  store: CallRecordStore;
  flow: CallHandler;
  /** The IVR flow for a called number (passed in: the session does not know the IVR); none: `flow`. */
  flowFor?: ((calledNumber: string) => CallHandler | undefined) | undefined;
  /**
   * Picks up a call left by a controller that is gone (passed in from the ACD): the caller goes on
   * waiting or talking; undefined when there was nothing to pick up.
   */
  adopt?: AdoptedCallHandler | undefined;
  commandTimeoutMs: number;
  recordings?: RecordingCapture | undefined;
  /**
   * The caller number's keyed hash, kept on the record so a caller's records can be found and
   * erased on request; none: records carry no hash.
   */
  callerHash?: ((callerNumber: string) => string) | undefined;
  /** Calls starting and ending (the API's event stream and metrics). */
  onCallEvent?:
    ((type: 'started' | 'ended' | 'queued' | 'connected', record: CallRecord) => void) | undefined;
}

/**
 * Owns every inbound call: one session per channel, each with its own child logger, record and
 * end signal. A session always ends with the channel gone and its listeners removed.
 */
export class SessionRunner {
  private readonly live = new Map<
    string,
    { record: CallRecord; done: Promise<void>; call: CallContext }
  >();
  private readonly subscriptions: Unsubscribe[] = [];
  private readonly numberPattern: RegExp;
  private accepting = true;

  /** Overload control for new calls (config `overload`); its refusal counts feed the metrics. */
  readonly admission: AdmissionControl;

  constructor(private readonly deps: RunnerDeps) {
    this.numberPattern = new RegExp(deps.config.numbers.pattern);
    this.admission = new AdmissionControl(deps.config.overload);
  }

  attach(server: MediaServer): void {
    this.subscriptions.push(server.onCall((channel) => this.begin(server, channel)));
  }

  liveCalls(): CallRecord[] {
    return [...this.live.values()].map((s) => s.record);
  }

  /** A live call by its id (the control API acts on it); undefined once it ended. */
  liveCall(id: string): CallContext | undefined {
    return this.live.get(id)?.call;
  }

  /** Stops taking calls and waits (up to the deadline) for those in progress to finish. */
  async drain(timeoutMs: number): Promise<void> {
    this.accepting = false;
    for (const off of this.subscriptions.splice(0)) off();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.live.values()].map((s) => s.done)),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  private begin(server: MediaServer, channel: Channel): void {
    const { config } = this.deps;
    const startedAt = Date.now();
    const record: CallRecord = {
      id: channel.id,
      controller: config.controller.name,
      mediaServer: server.id,
      sipCallId: channel.info.sipCallId,
      calledNumber: channel.info.calledNumber,
      callerMasked: config.log.maskCallerNumbers
        ? maskNumber(channel.info.callerNumber)
        : channel.info.callerNumber,
      ...(channel.info.callerNumber && this.deps.callerHash
        ? { callerHash: this.deps.callerHash(channel.info.callerNumber) }
        : {}),
      startedAt: new Date(startedAt).toISOString(),
      state: 'active',
      digits: '',
      timeline: [],
    };
    const log = this.deps.log.child({
      callId: channel.id,
      mediaServer: server.id,
      caller: record.callerMasked,
      called: record.calledNumber,
    });
    // One controller per call: aborted when the channel ends or the session's ceiling passes.
    const life = new AbortController();
    const ceiling = setTimeout(() => life.abort(), config.session.maxCallMs);
    const onEnded = (): void => life.abort();
    channel.ended.addEventListener('abort', onEnded, { once: true });
    const signal = life.signal;
    const call: CallContext = {
      channel,
      server,
      routing: this.deps.routing,
      recordings: this.deps.recordings,
      log,
      signal,
      record,
      settings: config.session,
      commandTimeoutMs: this.deps.commandTimeoutMs,
      note: (what) => record.timeline.push({ atMs: Date.now() - startedAt, what }),
      emit: (type) => this.deps.onCallEvent?.(type, record),
      checkpoint: () => this.persist(record, log),
    };
    // The channel's end is recorded whatever the flow is doing at that moment.
    const offEnded = channel.on((ev) => {
      if (ev.type !== 'ended') return;
      record.cause = ev.cause.text;
      record.hangupBy ??= 'caller';
      call.note(`ended (${ev.cause.text})`);
    });
    const done = this.run(call, server, offEnded).finally(() => {
      clearTimeout(ceiling);
      channel.ended.removeEventListener('abort', onEnded);
      this.live.delete(channel.id);
    });
    this.live.set(channel.id, { record, done, call });
  }

  private async run(call: CallContext, server: MediaServer, offEnded: Unsubscribe): Promise<void> {
    const { record, log, channel } = call;
    // Counted before the first wait: the calls in progress are the others (an adopted call is
    // one already inside, never refused).
    const admitted = channel.info.adopted
      ? ({ ok: true } as const)
      : this.admission.admit(this.live.size);
    log.info(channel.info.adopted ? 'call adopted' : 'call started');
    this.deps.onCallEvent?.('started', record);
    // An adopted call's earlier record is read back before it is written again.
    if (!channel.info.adopted) this.persist(record, log);
    try {
      if (channel.info.adopted) {
        record.outcome = await this.resume(call);
      } else if (!this.accepting || !server.status().ready) {
        record.outcome = 'rejected';
        await this.end(call, 'congestion');
      } else if (!this.numberPattern.test(record.calledNumber)) {
        log.warn('not a configured 400 number; rejecting');
        record.outcome = 'rejected';
        await this.end(call, 'normal');
      } else if (!admitted.ok) {
        log.warn(
          { reason: admitted.reason, inProgress: this.live.size },
          'overloaded: new call refused',
        );
        call.note(
          `refused (${admitted.reason === 'calls' ? 'calls in progress' : 'arrival rate'})`,
        );
        record.outcome = 'refused';
        await this.refuse(call);
      } else {
        const flow = this.deps.flowFor?.(record.calledNumber) ?? this.deps.flow;
        record.outcome = await flow(call);
      }
    } catch (err) {
      if (isCallEnded(err) && channel.ended.aborted) {
        record.outcome ??= 'caller-hangup';
      } else {
        record.outcome = 'failed';
        const timedOut = isHotlineError(err, 'CALL_ENDED') || isHotlineError(err, 'WAIT_TIMEOUT');
        log.error(
          { err, code: isHotlineError(err) ? err.code : undefined },
          timedOut ? 'call flow timed out' : 'call flow failed',
        );
        await this.end(call, 'normal');
      }
    } finally {
      // Whatever the flow did, the call does not outlive its session.
      if (!channel.ended.aborted) await this.end(call, 'normal');
      offEnded();
      record.state = 'ended';
      record.endedAt = new Date().toISOString();
      if (channel.listenerCount() > 0)
        log.warn({ listeners: channel.listenerCount() }, 'listeners left on an ended call');
      log.info(
        { outcome: record.outcome, hangupBy: record.hangupBy, digits: record.digits.length },
        'call ended',
      );
      this.persist(record, log);
      this.deps.onCallEvent?.('ended', record);
    }
  }

  /** Turns a new call away while overloaded: before answering (503), or with the busy prompt. */
  private async refuse(call: CallContext): Promise<void> {
    const o = this.deps.config.overload;
    if (o.refuse === 'reject') {
      await this.end(call, 'congestion');
      return;
    }
    const opts = { timeoutMs: call.commandTimeoutMs, signal: call.signal };
    await call.channel.answer(opts);
    const playback = await call.channel.play(
      { type: 'prompt', id: o.busyPrompt, language: call.settings.language },
      opts,
    );
    await Promise.race([playback.done, new Promise((r) => setTimeout(r, 20_000).unref())]);
    await this.end(call, 'normal');
  }

  /**
   * A call found in the application after a (re)connect, left by a controller that is gone. A
   * caller waiting in a queue keeps its place and goes on waiting; a caller talking to an agent
   * goes on talking, untouched; a call in the middle of its IVR cannot be picked up where it was
   * and is ended cleanly.
   */
  private async resume(call: CallContext): Promise<CallRecord['outcome']> {
    call.note('adopted');
    const previous = await this.deps.store
      .get(call.channel.id)
      .catch(ignored(call.log, 'reading the record of the adopted call'));
    if (previous) {
      call.record.startedAt = previous.startedAt;
      call.record.answeredAt = previous.answeredAt;
      call.record.digits = previous.digits;
      call.record.sipCallId ??= previous.sipCallId;
      call.record.timeline.unshift(
        ...previous.timeline.map((t) => ({ ...t, what: `(before) ${t.what}` })),
      );
    }
    const outcome = await this.deps.adopt?.(call, previous);
    if (outcome) return outcome;
    await this.end(call, 'normal');
    return 'failed';
  }

  private async end(call: CallContext, cause: 'normal' | 'congestion'): Promise<void> {
    if (call.channel.ended.aborted) return;
    call.record.hangupBy ??= 'controller';
    call.note('hangup');
    await call.channel
      .hangup(cause)
      .catch((err: unknown) => call.log.warn({ err }, 'hang-up failed'));
  }

  /**
   * Records are written without holding up the call; a Redis outage costs records, not calls. The
   * store writes the record as it is when it writes (grouped), so no snapshot is taken here.
   */
  private persist(record: CallRecord, log: Logger): void {
    this.deps.store
      .save(record)
      .catch((err: unknown) => log.warn({ err }, 'call record not saved'));
  }
}
