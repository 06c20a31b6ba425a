import { play as playMedia } from '../../session/verbs/play.js';
import { toMedia } from '../sounds.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';

type Node = Extract<FlowNode, { verb: 'say' }>;

/** Says a digit string, number, amount, date or time from recorded fragments. */
export const say: NodeHandler<Node> = async (call, node, run) => {
  await playMedia(call, toMedia({ say: node.say, value: node.value }, run.language, run.scope()), { maxMs: 60_000 });
  return { next: node.next, exit: 'said' };
};
