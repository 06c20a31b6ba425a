import { hangup as hangupCall } from '../../session/verbs/hangup.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';
import { playSounds } from '../sounds.js';
import { ask } from './ask.js';

type Node = Extract<FlowNode, { verb: 'callback' }>;

const keypad = { retries: 2, firstDigitTimeoutMs: 6000, interDigitTimeoutMs: 4000 } as const;

/**
 * A callback instead of waiting: the number calling now (1) or another one keyed in (2), then
 * when (a key per slot), then a confirmation and a polite goodbye. A caller who does not answer
 * the "when" question is called back as soon as possible. The number keyed in goes, as typed, only
 * into the callback request (which needs it, and expires); the call's record and timeline show it
 * as `*` unless the node says `sensitive: false`.
 */
export const callback: NodeHandler<Node> = async (call, node, run, deps) => {
  let number = call.channel.info.callerNumber;
  const which = await ask(
    call,
    run,
    { ...keypad, prompt: node.prompt ?? 'callback-which-number' },
    { maxDigits: 1 },
    (d) => (d === '1' || d === '2' ? d : undefined),
  );
  if (which.ok && which.value === '2') {
    const typed = await ask(
      call,
      run,
      { ...keypad, prompt: 'callback-enter-number' },
      { maxDigits: 20, terminator: '#', sensitive: node.sensitive },
      (d) => (/^\d{7,20}$/.test(d) ? d : undefined),
    );
    if (typed.ok) number = typed.value;
  }
  const when = await ask(
    call,
    run,
    { ...keypad, prompt: node.whenPrompt ?? 'callback-when' },
    { maxDigits: 1 },
    (d) => node.slots[d],
  );
  const slot = when.ok ? when.value : 'asap';
  await deps.requests.addCallback({
    callId: call.channel.id,
    flow: run.flow.flow,
    number,
    callerHash: call.record.callerHash,
    slot,
    requestedAt: new Date().toISOString(),
  });
  call.note(`callback ${slot}`);
  await playSounds(call, run, node.confirm ?? 'callback-confirmed', 30_000);
  await hangupCall(call);
  return { end: 'callback', exit: slot };
};
