import { holds } from '../conditions.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';

type Node = Extract<FlowNode, { verb: 'branch' }>;

/** The first condition that holds picks the next node (hours, region, VIP, variables). */
export const branch: NodeHandler<Node> = (_call, node, run, deps) => {
  const i = node.when.findIndex((w) => holds(w.if, run, deps));
  return Promise.resolve(
    i >= 0
      ? { next: node.when[i]!.goto, exit: `when-${i}` }
      : { next: node.otherwise, exit: 'otherwise' },
  );
};
