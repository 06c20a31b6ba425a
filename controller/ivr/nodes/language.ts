import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';
import { ask } from './ask.js';

type LanguageChoice = Extract<FlowNode, { verb: 'language' }>;

/** The caller picks a language; every prompt after this one is in it. */
export const language: NodeHandler<LanguageChoice> = async (call, node, run) => {
  const answer = await ask(call, run, node, { maxDigits: 1 }, (digits) => node.options[digits]);
  if (!answer.ok) return { next: node.onFail, exit: answer.reason };
  run.language = answer.value;
  call.note(`language ${answer.value}`);
  return { next: node.next, exit: answer.value };
};
