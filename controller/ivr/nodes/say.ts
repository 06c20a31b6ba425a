import { playSounds } from '../sounds.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';

type Node = Extract<FlowNode, { verb: 'say' }>;

/** Says a digit string, number, amount, date or time from recorded fragments. */
export const say: NodeHandler<Node> = async (call, node, run) => {
  await playSounds(call, run, { say: node.say, value: node.value }, 60_000);
  return { next: node.next, exit: 'said' };
};
