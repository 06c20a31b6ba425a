import { playSounds } from '../sounds.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';

type Node = Extract<FlowNode, { verb: 'play' }>;

/** Plays prompts, files, tones or spoken values to the end. */
export const play: NodeHandler<Node> = async (call, node, run) => {
  await playSounds(call, run, node.play, 120_000);
  return { next: node.next, exit: 'played' };
};
