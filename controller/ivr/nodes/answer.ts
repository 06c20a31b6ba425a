import { answer as answerCall } from '../../session/verbs/answer.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';

type Node = Extract<FlowNode, { verb: 'answer' }>;

/** Answers the call (a flow may play early media before, or never answer at all). */
export const answer: NodeHandler<Node> = async (call, node) => {
  await answerCall(call);
  return { next: node.next, exit: 'answered' };
};
