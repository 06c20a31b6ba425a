import { randomUUID } from 'node:crypto';
import { HotlineError } from '../../lib/errors.js';
import type { Bridge, Channel } from '../media-server/types.js';
import type { QueueConfig } from './config-schema.js';
import type { RoutingService } from './service.js';
import { sleep } from '../../lib/wait.js';
import { eitherEnds, firstAnswer } from '../session/verbs/legs.js';
import { consent, record } from './queue-recording.js';
import type { CallContext } from '../session/context.js';
import { ignored } from '../../lib/settle.js';

export type QueueOutcome = 'connected' | 'abandoned' | 'timeout' | 'overflow';

export interface QueueOptions {
  /** Higher is served first (VIP); then the longest waiting. */
  priority?: number;
  /** Resuming an adopted caller: the original time it joined, so it keeps its place. */
  enqueuedAt?: number;
  /** The caller's language: agents who list languages must speak it. */
  language?: string | undefined;
}

/**
 * Hands the caller to a queue: music on hold in a holding bridge while the router picks an agent,
 * the agent rung through the media server (the next one when nobody answers), then caller and
 * agent in one mixing bridge until either hangs up. The caller keeps a place in the queue's line
 * in Redis (priority, then age) and hears the position now and then. When the wait or the line is
 * too long, or nobody is logged in, the queue's overflow applies. Every wait ends with the call.
 */
export async function queue(
  call: CallContext,
  routing: RoutingService,
  queueId: string,
  options: QueueOptions = {},
): Promise<QueueOutcome> {
  const q = routing.queue(queueId);
  if (!q) throw new HotlineError('ROUTER_CONFIG_INVALID', `unknown queue ${queueId}`);
  const outcome = await waitAndConnect(
    call,
    routing,
    q,
    options.priority ?? 0,
    options.enqueuedAt,
    options.language,
  );
  if (outcome !== 'overflow' || q.overflow === undefined)
    return outcome === 'overflow' ? 'timeout' : outcome;
  call.note(`overflow ${q.overflow.type === 'queue' ? q.overflow.target : q.overflow.type}`);
  // Another queue takes over; voicemail and callbacks are IVR verbs (the IVR issue).
  if (q.overflow.type === 'queue') return queue(call, routing, q.overflow.target, options);
  return 'overflow';
}

async function waitAndConnect(
  call: CallContext,
  routing: RoutingService,
  q: QueueConfig,
  priority: number,
  resumedFrom?: number,
  language?: string,
): Promise<QueueOutcome> {
  const queueId = q.id;
  const opts = { timeoutMs: call.commandTimeoutMs, signal: call.signal };
  const enqueuedAt = resumedFrom ?? Date.now();
  const region = routing.regionOf(call.channel.info.callerNumber);
  call.record.queue = queueId;
  call.note(resumedFrom === undefined ? `queue ${queueId}` : `resume queue ${queueId}`);
  // Counted behind (the figures are written a few times a second), never waited for on the way
  // to an agent; the line and the history go out together, one round trip.
  if (resumedFrom === undefined)
    void routing.stats.offered(queueId).catch(ignored(call.log, 'counting the call as offered'));
  const [joined, lastAgentId] = await Promise.all([
    routing.waiting.join(queueId, call.channel.id, priority, enqueuedAt),
    routing.history
      .lastAgent(call.channel.info.callerNumber)
      .catch(ignored(call.log, 'looking up the last agent of the caller')),
  ]);
  call.checkpoint();
  call.emit?.('queued');
  if (q.recordingConsent && q.record !== 'never' && call.recordings)
    await consent(call, q.recordingConsent);
  let mixing: Bridge | undefined;
  let unregister: (() => void) | undefined;
  let leg: Channel | undefined;
  let holding: Promise<Bridge | undefined> | undefined;
  let left = false;
  try {
    if (joined.length > q.maxLength || routing.router.loggedInCount(queueId) === 0)
      return 'overflow';
    // The music starts while the first agent is already being rung: an idle agent's phone rings
    // without waiting for the holding bridge. A caller who must wait hears music before waiting.
    holding = hold(call, q, resumedFrom !== undefined);
    let announcedAt = Date.now();
    // The place from joining serves the first attempt: one round trip fewer before the ring.
    let knownPlace: number | undefined = joined.place;
    for (;;) {
      const waitedMs = Date.now() - enqueuedAt;
      if (waitedMs > q.maxWaitSeconds * 1000 || routing.router.loggedInCount(queueId) === 0)
        return 'overflow';
      let step: Awaited<ReturnType<typeof attempt>>;
      const place = knownPlace;
      knownPlace = undefined;
      try {
        step = await attempt(call, routing, q, {
          priority,
          enqueuedAt,
          waitedMs,
          lastAgentId,
          region,
          language,
          place,
        });
      } catch (err) {
        if (call.signal.aborted) throw err;
        // Redis away (restarting, failing over): the caller keeps its music and its place.
        call.log.warn({ err }, 'queue step failed; retrying');
        await sleep(500, call.signal);
        continue;
      }
      if (step === 'wait') {
        await holding;
        if (Date.now() - announcedAt >= q.announce.positionEverySeconds * 1000) {
          announcedAt = Date.now();
          const place = await routing.waiting
            .position(queueId, call.channel.id)
            .catch(ignored(call.log, 'reading the place of the caller in the line'));
          if (place !== undefined) await announcePosition(call, place + 1);
        }
        await sleep(200, call.signal);
        continue;
      }
      if (step === 'retry') {
        await sleep(100, call.signal);
        continue;
      }
      leg = step.leg;
      call.record.agentId = step.agentId;
      call.record.queueWaitMs = Date.now() - enqueuedAt;
      break;
    }
    void routing.stats
      .answered(queueId, call.record.queueWaitMs, q.serviceLevelSeconds)
      .catch(ignored(call.log, 'counting the call as answered'));
    // Out of the line while the bridge is made: the next caller's place counts at once.
    [mixing] = await Promise.all([
      call.server.createBridge('mixing', opts),
      routing.waiting.leave(queueId, call.channel.id),
    ]);
    left = true;
    // The caller leaves the music by moving (one request for both legs); the hold must be set up
    // first, or it could pull the caller back into the music afterwards.
    await holding;
    await mixing.add([call.channel.id, leg.id], opts);
    const agentId = call.record.agentId;
    // Informative for supervisors; a Redis hiccup here must not drop a connected call.
    await routing.agents
      .change(agentId, 'talking')
      .catch((err: unknown) => call.log.warn({ err }, 'agent state not updated'));
    routing.answered(agentId);
    call.note(`connected ${agentId}`);
    call.emit?.('connected');
    // A controller that dies from here on leaves a conversation the next one can resume.
    call.checkpoint();
    await routing.history
      .remember(call.channel.info.callerNumber, agentId)
      .catch(ignored(call.log, 'remembering the agent of the caller'));
    unregister = await record(call, q, mixing, agentId);
    call.conversation = { bridge: mixing, agentId, agentLegId: leg.id };
    await converse(call, routing, q, agentId, leg, Date.now());
    return 'connected';
  } catch (err) {
    if (call.signal.aborted && !call.record.agentId) {
      call.note('abandoned');
      void routing.stats
        .abandoned(queueId, Date.now() - enqueuedAt, q.serviceLevelSeconds)
        .catch(ignored(call.log, 'counting the call as abandoned'));
      return 'abandoned';
    }
    if (call.signal.aborted) return 'connected';
    throw err;
  } finally {
    const cleanup = { timeoutMs: call.commandTimeoutMs };
    unregister?.();
    const held = call.conversation?.holding;
    const other = call.conversation?.transferredTo;
    call.conversation = undefined;
    await held
      ?.destroy(cleanup)
      .catch(ignored(call.log, 'removing the holding bridge of a transfer'));
    await other?.hangup().catch(ignored(call.log, 'hanging up the transfer target'));
    if (!left)
      await routing.waiting
        .leave(queueId, call.channel.id)
        .catch(ignored(call.log, 'taking the caller out of the line'));
    await leg?.hangup().catch(ignored(call.log, 'hanging up the agent leg'));
    await mixing?.destroy(cleanup).catch(ignored(call.log, 'removing the mixing bridge'));
    await (
      await holding?.catch(ignored(call.log, 'putting the caller on hold'))
    )
      ?.destroy(cleanup)
      .catch(ignored(call.log, 'removing the holding bridge'));
  }
}

/**
 * The caller's place while waiting: a holding bridge with the queue's music. An adopted caller is
 * still in the bridge its first controller made, which is kept. Undefined when the caller left
 * meanwhile (the wait ends with the call anyway).
 */
async function hold(
  call: CallContext,
  q: QueueConfig,
  adopted: boolean,
): Promise<Bridge | undefined> {
  const opts = { timeoutMs: call.commandTimeoutMs, signal: call.signal };
  try {
    const existing = adopted
      ? (await call.server.liveState(opts)).bridges.find(
          (b) => b.kind === 'holding' && b.channelIds.includes(call.channel.id),
        )
      : undefined;
    if (existing) return call.server.bridge(existing);
    const bridge = await call.server.createBridge('holding', { timeoutMs: call.commandTimeoutMs });
    try {
      await bridge.add(call.channel.id, opts);
      await bridge.startMusicOnHold(q.musicOnHold, opts);
    } catch (err) {
      await bridge
        .destroy({ timeoutMs: call.commandTimeoutMs })
        .catch(ignored(call.log, 'removing a holding bridge that could not be set up'));
      throw err;
    }
    return bridge;
  } catch (err) {
    if (!call.signal.aborted) call.log.warn({ err }, 'caller could not be put on hold');
    return undefined;
  }
}

/** Until caller or agent hangs up; then the agent's wrap-up. */
async function converse(
  call: CallContext,
  routing: RoutingService,
  q: QueueConfig,
  agentId: string,
  leg: Channel,
  talkStart: number,
): Promise<void> {
  await eitherEnds(call.signal, leg.ended);
  const next = call.conversation?.transferredTo;
  call.note(
    leg.ended.aborted && !call.signal.aborted
      ? next
        ? 'agent handed over'
        : 'agent hung up'
      : 'caller hung up',
  );
  await routing
    .wrapUp(agentId, q, Date.now() - talkStart)
    .catch((err: unknown) => call.log.warn({ err }, 'wrap-up failed'));
  // Transferred: the caller goes on talking to whoever took over, in the same bridge.
  if (next && !call.signal.aborted) await eitherEnds(call.signal, next.ended);
}

/**
 * A conversation whose controller died, adopted by this one: caller and agent are still talking in
 * their mixing bridge, so nothing is touched until one of them hangs up; then the other leg and
 * the bridge go and the agent passes through wrap-up as after any call.
 */
export async function resumeConversation(
  call: CallContext,
  routing: RoutingService,
  at: { queueId: string; agentId: string; talkingSince: number },
): Promise<'connected' | undefined> {
  const q = routing.queue(at.queueId);
  const opts = { timeoutMs: call.commandTimeoutMs, signal: call.signal };
  const bridgeInfo = (await call.server.liveState(opts)).bridges.find(
    (b) => b.kind === 'mixing' && b.channelIds.includes(call.channel.id),
  );
  const legId = bridgeInfo?.channelIds.find((id) => id !== call.channel.id);
  const leg = legId === undefined ? undefined : call.server.channel(legId);
  if (!q || !bridgeInfo || !leg) return undefined;
  call.record.queue = q.id;
  call.record.agentId = at.agentId;
  call.note(`resume conversation ${at.agentId}`);
  call.checkpoint();
  try {
    await converse(call, routing, q, at.agentId, leg, at.talkingSince);
  } finally {
    await leg
      .hangup()
      .catch(ignored(call.log, 'hanging up the agent leg of a resumed conversation'));
    await call.server
      .bridge(bridgeInfo)
      .destroy({ timeoutMs: call.commandTimeoutMs })
      .catch(ignored(call.log, 'removing the mixing bridge of a resumed conversation'));
  }
  return 'connected';
}

/** "Your position in the queue is N", played over the music; not awaited, so waiting goes on. */
async function announcePosition(call: CallContext, position: number): Promise<void> {
  const language = call.settings.language;
  await call.channel
    .play(
      [
        { type: 'prompt', id: 'queue-position', language },
        { type: 'digits', digits: String(position) },
      ],
      { timeoutMs: call.commandTimeoutMs, signal: call.signal },
    )
    .then(() => call.note(`announce position ${position}`))
    .catch((err: unknown) => {
      if (!call.signal.aborted) call.log.debug({ err }, 'position announcement failed');
    });
}

/**
 * One turn of the wait: 'wait' while callers ahead of us take the free agents, 'retry' when the
 * agents picked were taken by another controller first, else the agent who answered.
 */
async function attempt(
  call: CallContext,
  routing: RoutingService,
  q: QueueConfig,
  at: {
    priority: number;
    enqueuedAt: number;
    waitedMs: number;
    lastAgentId: string | undefined;
    region: string | undefined;
    language: string | undefined;
    place?: number | undefined;
  },
): Promise<'wait' | 'retry' | { agentId: string; leg: Channel }> {
  const queueId = q.id;
  // Only the head of the line may take a free agent: nobody is overtaken. A place lost with a
  // Redis that restarted empty is taken again, with the original age.
  let place = at.place ?? (await routing.waiting.position(queueId, call.channel.id));
  if (place === undefined) {
    await routing.waiting.join(queueId, call.channel.id, at.priority, at.enqueuedAt);
    place = (await routing.waiting.position(queueId, call.channel.id)) ?? 0;
  }
  if (place >= routing.router.availableCount(queueId)) return 'wait';
  const decision = routing.router.decide({
    queueId,
    waitedMs: at.waitedMs,
    lastAgentId: at.lastAgentId,
    region: at.region,
    language: at.language,
  });
  const reservation = randomUUID();
  const leaseMs = (q.noAnswerSeconds + 10) * 1000;
  // One agent is taken straight to ringing (one round trip); ring-all reserves first, then rings.
  const reserved = decision.ringAll
    ? await routing.agents.reserveAll(decision.ranked, reservation, leaseMs)
    : [await routing.agents.reserveToRing(decision.ranked, reservation, leaseMs)].filter(
        (id): id is string => id !== undefined,
      );
  if (reserved.length === 0) return 'retry';
  for (const id of reserved) routing.router.taken(queueId, id);
  return (await offer(call, routing, q, reserved, reservation, !decision.ringAll)) ?? 'retry';
}

/**
 * Rings the reserved agents (one, or all at once for ring-all) and resolves with the first to
 * answer; the others stop ringing and are released. Agents who let it ring out, or cannot be rung
 * at all (unregistered, refused), are released with the queue's busy delay and counted as misses.
 */
async function offer(
  call: CallContext,
  routing: RoutingService,
  q: QueueConfig,
  agentIds: string[],
  reservation: string,
  alreadyRinging: boolean,
): Promise<{ agentId: string; leg: Channel } | undefined> {
  const release = (agentId: string, cooldownMs = 0): Promise<unknown> =>
    routing.agents.settle(agentId, reservation, 'available', cooldownMs).catch(() => false);
  const missed = async (agentId: string): Promise<void> => {
    await release(agentId, q.busyDelaySeconds * 1000);
    await routing.missed(agentId, q);
  };
  const ringing = new Map<string, Channel>();
  try {
    for (const agentId of agentIds) {
      const agent = routing.router.agent(agentId);
      if (
        !agent ||
        !(alreadyRinging || (await routing.agents.settle(agentId, reservation, 'ringing')))
      ) {
        await release(agentId);
        continue;
      }
      try {
        const leg = await call.server.originate(
          // Rung on the caller's own media server, with that server's dial string for the agent.
          {
            endpoint: agent.endpoints?.[call.server.id] ?? agent.endpoint,
            ringTimeoutSeconds: q.noAnswerSeconds,
            callerNumber: call.channel.info.callerNumber,
            variables: { HOTLINE_CALL: call.channel.id },
          },
          { timeoutMs: call.commandTimeoutMs, signal: call.signal },
        );
        ringing.set(agentId, leg);
        call.note(`ring ${agentId}`);
      } catch (err) {
        if (call.signal.aborted) throw err;
        call.log.warn({ err, agentId }, 'could not ring agent (unregistered or refused)');
        await missed(agentId);
      }
    }
    if (ringing.size === 0) return undefined;
    const winner = await firstAnswer(ringing, (q.noAnswerSeconds + 2) * 1000, call.signal);
    for (const [agentId, leg] of ringing) {
      if (agentId === winner) continue;
      await leg.hangup().catch(ignored(call.log, 'hanging up an agent who did not answer first'));
      if (winner) await release(agentId);
      else {
        call.note(`no answer ${agentId}`);
        await missed(agentId);
      }
    }
    const leg = winner ? ringing.get(winner) : undefined;
    return winner && leg ? { agentId: winner, leg } : undefined;
  } catch (err) {
    for (const [agentId, leg] of ringing) {
      await leg.hangup().catch(ignored(call.log, 'hanging up a ringing agent'));
      await release(agentId);
    }
    throw err;
  }
}
