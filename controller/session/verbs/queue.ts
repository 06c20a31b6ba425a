import { randomUUID } from 'node:crypto';
import { HotlineError } from '../../errors.js';
import type { Bridge, Channel, ChannelEvent } from '../../media-server/types.js';
import type { QueueConfig } from '../../router/config-schema.js';
import type { RoutingService } from '../../router/service.js';
import { sleep, waitForEvent } from '../../util/wait.js';
import type { CallContext } from '../context.js';

export type QueueOutcome = 'connected' | 'abandoned' | 'timeout' | 'overflow';

export interface QueueOptions {
  /** Higher is served first (VIP); then the longest waiting. */
  priority?: number;
}

/**
 * Hands the caller to a queue: music on hold in a holding bridge while the router picks an agent,
 * the agent rung through the media server (the next one when nobody answers), then caller and
 * agent in one mixing bridge until either hangs up. The caller keeps a place in the queue's line
 * in Redis (priority, then age) and hears the position now and then. When the wait or the line is
 * too long, or nobody is logged in, the queue's overflow applies. Every wait ends with the call.
 */
export async function queue(call: CallContext, routing: RoutingService, queueId: string, options: QueueOptions = {}): Promise<QueueOutcome> {
  const q = routing.queue(queueId);
  if (!q) throw new HotlineError('ROUTER_CONFIG_INVALID', `unknown queue ${queueId}`);
  const outcome = await waitAndConnect(call, routing, q, options.priority ?? 0);
  if (outcome !== 'overflow' || q.overflow === undefined) return outcome === 'overflow' ? 'timeout' : outcome;
  call.note(`overflow ${q.overflow.type === 'queue' ? q.overflow.target : q.overflow.type}`);
  // Another queue takes over; voicemail and callbacks are IVR verbs (the IVR issue).
  if (q.overflow.type === 'queue') return queue(call, routing, q.overflow.target, options);
  return 'overflow';
}

async function waitAndConnect(call: CallContext, routing: RoutingService, q: QueueConfig, priority: number): Promise<QueueOutcome> {
  const queueId = q.id;
  const opts = { timeoutMs: call.commandTimeoutMs, signal: call.signal };
  const enqueuedAt = Date.now();
  call.record.queue = queueId;
  call.note(`queue ${queueId}`);
  await routing.stats.offered(queueId).catch(() => undefined);
  const length = await routing.waiting.join(queueId, call.channel.id, priority, enqueuedAt);
  let mixing: Bridge | undefined;
  let leg: Channel | undefined;
  let holding: Bridge | undefined;
  try {
    if (length > q.maxLength || routing.router.loggedInCount(queueId) === 0) return 'overflow';
    holding = await call.server.createBridge('holding', opts);
    await holding.add(call.channel.id, opts);
    await holding.startMusicOnHold(q.musicOnHold, opts);
    const lastAgentId = await routing.history.lastAgent(call.channel.info.callerNumber).catch(() => undefined);
    let announcedAt = Date.now();
    for (;;) {
      const waitedMs = Date.now() - enqueuedAt;
      if (waitedMs > q.maxWaitSeconds * 1000 || routing.router.loggedInCount(queueId) === 0) return 'overflow';
      // Only the head of the line may take a free agent: nobody is overtaken.
      const place = (await routing.waiting.position(queueId, call.channel.id)) ?? 0;
      const free = routing.router.availableCount(queueId);
      if (place >= free) {
        if (Date.now() - announcedAt >= q.announce.positionEverySeconds * 1000) {
          announcedAt = Date.now();
          await announcePosition(call, place + 1);
        }
        await sleep(200, call.signal);
        continue;
      }
      const decision = routing.router.decide({ queueId, waitedMs, lastAgentId });
      const reservation = randomUUID();
      const agentId = decision.ranked.length ? await routing.agents.reserveFirst(decision.ranked, reservation, (q.noAnswerSeconds + 10) * 1000) : undefined;
      if (!agentId) {
        await sleep(100, call.signal);
        continue;
      }
      routing.router.taken(queueId, agentId);
      leg = await offer(call, routing, q, agentId, reservation);
      if (leg) {
        call.record.agentId = agentId;
        call.record.queueWaitMs = Date.now() - enqueuedAt;
        break;
      }
    }
    await routing.waiting.leave(queueId, call.channel.id);
    await routing.stats.answered(queueId, call.record.queueWaitMs, q.serviceLevelSeconds).catch(() => undefined);
    mixing = await call.server.createBridge('mixing', opts);
    await holding.remove(call.channel.id, opts);
    await mixing.add(call.channel.id, opts);
    await mixing.add(leg.id, opts);
    const agentId = call.record.agentId;
    await routing.agents.change(agentId, 'talking');
    routing.answered(agentId);
    call.note(`connected ${agentId}`);
    await routing.history.remember(call.channel.info.callerNumber, agentId).catch(() => undefined);
    const talkStart = Date.now();
    await eitherEnds(call.signal, leg.ended);
    call.note(leg.ended.aborted && !call.signal.aborted ? 'agent hung up' : 'caller hung up');
    await routing.wrapUp(agentId, q, Date.now() - talkStart).catch((err: unknown) => call.log.warn({ err: String(err) }, 'wrap-up failed'));
    return 'connected';
  } catch (err) {
    if (call.signal.aborted && !call.record.agentId) {
      call.note('abandoned');
      await routing.stats.abandoned(queueId, Date.now() - enqueuedAt, q.serviceLevelSeconds).catch(() => undefined);
      return 'abandoned';
    }
    if (call.signal.aborted) return 'connected';
    throw err;
  } finally {
    const cleanup = { timeoutMs: call.commandTimeoutMs };
    await routing.waiting.leave(queueId, call.channel.id).catch(() => undefined);
    await leg?.hangup().catch(() => undefined);
    await mixing?.destroy(cleanup).catch(() => undefined);
    await holding?.destroy(cleanup).catch(() => undefined);
  }
}

/** "Your position in the queue is N", played over the music; not awaited, so waiting goes on. */
async function announcePosition(call: CallContext, position: number): Promise<void> {
  const language = call.settings.language;
  await call.channel
    .play([{ type: 'prompt', id: 'queue-position', language }, { type: 'digits', digits: String(position) }], { timeoutMs: call.commandTimeoutMs, signal: call.signal })
    .then(() => call.note(`announce position ${position}`))
    .catch((err: unknown) => {
      if (!call.signal.aborted) call.log.debug({ err: String(err) }, 'position announcement failed');
    });
}

function eitherEnds(a: AbortSignal, b: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (a.aborted || b.aborted) return resolve();
    const done = (): void => {
      a.removeEventListener('abort', done);
      b.removeEventListener('abort', done);
      resolve();
    };
    a.addEventListener('abort', done, { once: true });
    b.addEventListener('abort', done, { once: true });
  });
}

/**
 * Rings one reserved agent. Resolves with the answered leg, or undefined when the agent did not
 * answer (the reservation is released and the miss counted).
 */
async function offer(call: CallContext, routing: RoutingService, q: QueueConfig, agentId: string, reservation: string): Promise<Channel | undefined> {
  const agent = routing.router.agent(agentId);
  // A miss rests the agent for the queue's busy delay before the next offer (any controller's).
  const release = async (cooldownMs = 0): Promise<void> => {
    await routing.agents.settle(agentId, reservation, 'available', cooldownMs).catch(() => false);
  };
  const missed = async (): Promise<void> => {
    await release(q.busyDelaySeconds * 1000);
    await routing.missed(agentId, q);
  };
  if (!agent || !(await routing.agents.settle(agentId, reservation, 'ringing'))) {
    await release();
    return undefined;
  }
  call.note(`ring ${agentId}`);
  let leg: Channel | undefined;
  try {
    leg = await call.server.originate(
      { endpoint: agent.endpoint, ringTimeoutSeconds: q.noAnswerSeconds, callerNumber: call.channel.info.callerNumber, variables: { HOTLINE_CALL: call.channel.id } },
      { timeoutMs: call.commandTimeoutMs, signal: call.signal },
    );
    const answeredLeg = leg;
    if (answeredLeg.info.state !== 'up') {
      const event = await waitForEvent<ChannelEvent>(
        (l) => answeredLeg.on(l),
        (e) => e.type === 'answered' || e.type === 'ended',
        { timeoutMs: (q.noAnswerSeconds + 2) * 1000, signal: call.signal },
        `agent ${agentId} to answer`,
      ).catch((err: unknown) => {
        if (call.signal.aborted) throw err;
        return undefined;
      });
      if (event?.type !== 'answered') {
        call.note(`no answer ${agentId}`);
        await answeredLeg.hangup().catch(() => undefined);
        await missed();
        return undefined;
      }
    }
    return answeredLeg;
  } catch (err) {
    await leg?.hangup().catch(() => undefined);
    if (call.signal.aborted) {
      await release();
      throw err;
    }
    call.log.warn({ err: String(err), agentId }, 'could not ring agent (unregistered or refused)');
    await missed();
    return undefined;
  }
}
