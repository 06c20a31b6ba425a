import { hangup as hangupCall } from '../../session/verbs/hangup.js';
import { playSounds } from '../sounds.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';

type Node = Extract<FlowNode, { verb: 'hangup' }>;

/** An optional last prompt, then the call ends here. */
export const hangup: NodeHandler<Node> = async (call, node, run) => {
  if (node.prompt) await playSounds(call, run, node.prompt, 60_000);
  await hangupCall(call);
  return { end: 'completed', exit: 'hung-up' };
};
