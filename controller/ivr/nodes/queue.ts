import { HotlineError } from '../../../lib/errors.js';
import { queue as queueCall } from '../../acd/queue.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';
import { render } from '../template.js';

type Node = Extract<FlowNode, { verb: 'queue' }>;

/**
 * Hands the caller to the router (priority from the flow, e.g. a VIP looked up earlier). A call
 * that reached an agent or was abandoned ends here; one the queue gave up on goes to `next`.
 */
export const queue: NodeHandler<Node> = async (call, node, run, deps) => {
  if (!deps.routing)
    throw new HotlineError(
      'ROUTER_CONFIG_INVALID',
      'this controller has no routing for queue nodes',
    );
  const priority =
    typeof node.priority === 'number'
      ? node.priority
      : Math.max(0, Math.min(999, Math.trunc(Number(render(node.priority, run.scope())) || 0)));
  const outcome = await queueCall(call, deps.routing, node.queue, {
    priority,
    language: run.language,
  });
  if (outcome === 'connected') run.reachedPerson = true;
  if (outcome === 'connected' || outcome === 'abandoned') return { end: outcome, exit: outcome };
  if (node.next) return { next: node.next, exit: outcome };
  return { end: outcome === 'timeout' ? 'queue-timeout' : 'overflow', exit: outcome };
};
