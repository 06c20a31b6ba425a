import { render } from '../template.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';

type Node = Extract<FlowNode, { verb: 'set' }>;

/** Sets variables (templates allowed) for later nodes, lookups and branches. */
export const set: NodeHandler<Node> = (_call, node, run) => {
  for (const [name, value] of Object.entries(node.vars))
    run.vars[name] = typeof value === 'string' ? render(value, run.scope()) : value;
  return Promise.resolve({ next: node.next, exit: 'set' });
};
