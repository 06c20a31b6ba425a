import type { CallOutcome, CallRecord } from '../calls/record.js';
import type { CallContext } from '../session/context.js';
import { queue, resumeConversation } from './queue.js';
import { ignored } from '../../lib/settle.js';

/**
 * The ACD's part of adopting a call left by a controller that is gone: a caller waiting in a queue
 * keeps its place and goes on waiting; a caller talking to an agent goes on talking, untouched.
 * Undefined when the call was in neither (the session ends it).
 */
export async function resumeAdopted(
  call: CallContext,
  previous: CallRecord | undefined,
): Promise<CallOutcome | undefined> {
  const routing = call.routing;
  if (!routing) return undefined;
  const waiting = await routing.waiting
    .find(call.channel.id)
    .catch(ignored(call.log, 'looking up the caller in the waiting lines'));
  if (!waiting && previous?.agentId && previous.queue) {
    const connectedAt =
      previous.timeline.find((t) => t.what === `connected ${previous.agentId}`)?.atMs ?? 0;
    const talkingSince = Date.parse(previous.startedAt) + connectedAt;
    const outcome = await resumeConversation(call, routing, {
      queueId: previous.queue,
      agentId: previous.agentId,
      talkingSince,
    }).catch((err: unknown) => {
      if (!call.signal.aborted) call.log.warn({ err }, 'conversation could not be resumed');
      return undefined;
    });
    if (outcome) return outcome;
  }
  if (!waiting) return undefined;
  call.log.info({ queue: waiting.queueId }, 'resuming a waiting caller');
  const outcome = await queue(call, routing, waiting.queueId, {
    priority: waiting.priority,
    enqueuedAt: waiting.enqueuedAt,
  });
  // The session ends the call after a timeout or an overflow (nothing else to do for it here).
  if (outcome === 'connected' || outcome === 'abandoned') return outcome;
  return outcome === 'timeout' ? 'queue-timeout' : 'overflow';
}
