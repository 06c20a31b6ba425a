import { hangup as hangupCall } from '../../session/verbs/hangup.js';
import { play as playMedia } from '../../session/verbs/play.js';
import { toMedia } from '../sounds.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';

type Node = Extract<FlowNode, { verb: 'hangup' }>;

/** An optional last prompt, then the call ends here. */
export const hangup: NodeHandler<Node> = async (call, node, run) => {
  if (node.prompt) await playMedia(call, toMedia(node.prompt, run.language, run.scope()), { maxMs: 60_000 });
  await hangupCall(call);
  return { end: 'completed', exit: 'hung-up' };
};
