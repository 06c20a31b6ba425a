import type { Digit } from '../../media-server/types.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';
import { ask } from './ask.js';

type Gather = Extract<FlowNode, { verb: 'gather' }>;

/**
 * Collects a number (an order number, a card's last digits) into a variable. The variable holds
 * the digits as typed; unless the node says `sensitive: false`, the call's record, timeline and
 * logs show them only as `*`.
 */
export const gatherNode: NodeHandler<Gather> = async (call, node, run) => {
  const pattern = node.pattern === undefined ? undefined : new RegExp(node.pattern);
  const answer = await ask(
    call,
    run,
    node,
    { maxDigits: node.maxDigits, terminator: node.terminator as Digit, sensitive: node.sensitive },
    (digits) =>
      digits.length >= node.minDigits && (!pattern || pattern.test(digits)) ? digits : undefined,
  );
  if (!answer.ok) return { next: node.onFail, exit: answer.reason };
  run.vars[node.saveAs] = answer.value;
  return { next: node.next, exit: 'collected' };
};
