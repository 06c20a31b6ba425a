import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';
import { ask } from './ask.js';

type Menu = Extract<FlowNode, { verb: 'menu' }>;

/** A keypad menu: one key picks the next node; no input or a wrong key asks again. */
export const menu: NodeHandler<Menu> = async (call, node, run) => {
  const answer = await ask(call, run, node, { maxDigits: 1 }, (digits) => node.options[digits]);
  if (answer.ok) return { next: answer.value, exit: 'chosen' };
  return { next: node.onFail, exit: answer.reason };
};
