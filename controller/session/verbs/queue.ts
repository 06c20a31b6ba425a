import { randomUUID } from 'node:crypto';
import { HotlineError } from '../../errors.js';
import type { Bridge, Channel, ChannelEvent } from '../../media-server/types.js';
import type { QueueConfig } from '../../router/config-schema.js';
import type { RoutingService } from '../../router/service.js';
import { sleep, waitForEvent } from '../../util/wait.js';
import type { CallContext } from '../context.js';

export type QueueOutcome = 'connected' | 'abandoned' | 'timeout';

/**
 * Hands the caller to a queue: music on hold in a holding bridge while the router picks an agent,
 * the agent rung through the media server (the next one when nobody answers), then caller and
 * agent in one mixing bridge until either hangs up. Every wait ends with the call.
 */
export async function queue(call: CallContext, routing: RoutingService, queueId: string): Promise<QueueOutcome> {
  const q = routing.queue(queueId);
  if (!q) throw new HotlineError('ROUTER_CONFIG_INVALID', `unknown queue ${queueId}`);
  const opts = { timeoutMs: call.commandTimeoutMs, signal: call.signal };
  const enqueuedAt = Date.now();
  call.record.queue = queueId;
  call.note(`queue ${queueId}`);
  const holding = await call.server.createBridge('holding', opts);
  let mixing: Bridge | undefined;
  let leg: Channel | undefined;
  try {
    await holding.add(call.channel.id, opts);
    await holding.startMusicOnHold(q.musicOnHold, opts);
    const lastAgentId = await routing.history.lastAgent(call.channel.info.callerNumber).catch(() => undefined);
    for (;;) {
      const waitedMs = Date.now() - enqueuedAt;
      if (waitedMs > q.maxWaitSeconds * 1000) return 'timeout';
      const decision = routing.router.decide({ queueId, waitedMs, lastAgentId });
      const reservation = randomUUID();
      const agentId = decision.ranked.length ? await routing.agents.reserveFirst(decision.ranked, reservation, (q.noAnswerSeconds + 10) * 1000) : undefined;
      if (!agentId) {
        await sleep(250, call.signal);
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
    mixing = await call.server.createBridge('mixing', opts);
    await holding.remove(call.channel.id, opts);
    await mixing.add(call.channel.id, opts);
    await mixing.add(leg.id, opts);
    const agentId = call.record.agentId ?? '';
    await routing.agents.change(agentId, 'talking');
    routing.answered(agentId);
    call.note(`connected ${agentId}`);
    await routing.history.remember(call.channel.info.callerNumber, agentId).catch(() => undefined);
    // Talking: until either side hangs up.
    const agentLeg = leg;
    await new Promise<void>((resolve) => {
      if (call.signal.aborted || agentLeg.ended.aborted) return resolve();
      const done = (): void => {
        call.signal.removeEventListener('abort', done);
        agentLeg.ended.removeEventListener('abort', done);
        resolve();
      };
      call.signal.addEventListener('abort', done, { once: true });
      agentLeg.ended.addEventListener('abort', done, { once: true });
    });
    call.note(agentLeg.ended.aborted && !call.signal.aborted ? 'agent hung up' : 'caller hung up');
    await routing.wrapUp(agentId, q).catch((err: unknown) => call.log.warn({ err: String(err) }, 'wrap-up failed'));
    return 'connected';
  } catch (err) {
    if (call.signal.aborted) {
      call.note('abandoned');
      return call.record.agentId ? 'connected' : 'abandoned';
    }
    throw err;
  } finally {
    const cleanup = { timeoutMs: call.commandTimeoutMs };
    await leg?.hangup().catch(() => undefined);
    await mixing?.destroy(cleanup).catch(() => undefined);
    await holding.destroy(cleanup).catch(() => undefined);
  }
}

/**
 * Rings one reserved agent. Resolves with the answered leg, or undefined when the agent did not
 * answer (the reservation is released and the miss counted).
 */
async function offer(call: CallContext, routing: RoutingService, q: QueueConfig, agentId: string, reservation: string): Promise<Channel | undefined> {
  const agent = routing.router.agent(agentId);
  const release = async (): Promise<void> => {
    await routing.agents.settle(agentId, reservation, 'available').catch(() => false);
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
        await release();
        await routing.missed(agentId, q);
        return undefined;
      }
    }
    return answeredLeg;
  } catch (err) {
    await leg?.hangup().catch(() => undefined);
    await release();
    if (call.signal.aborted) throw err;
    call.log.warn({ err: String(err), agentId }, 'could not ring agent');
    await routing.missed(agentId, q);
    return undefined;
  }
}
