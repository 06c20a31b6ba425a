import type { SpeechRecognizer } from '../../../media/speech/types.js';
import type { CallContext } from '../../session/context.js';
import type { FlowNode } from '../schema.js';
import type { FlowRun, IvrDeps, NodeHandler, Step } from '../run-state.js';
import { toMedia } from '../sounds.js';
import { ask } from './ask.js';
import { listen } from './listen.js';

type Menu = Extract<FlowNode, { verb: 'menu' }>;

/**
 * A menu: one key picks the next node; with intents and a recogniser, saying it does too. No
 * input or a wrong answer asks again; speech that fails `fallbackAfter` times leaves the keypad.
 */
export const menu: NodeHandler<Menu> = async (call, node, run, deps) => {
  // A media server that cannot tell when the caller talks (FreeSWITCH here) serves the keypad menu.
  if (node.intents.length > 0 && deps.speech && call.server.capabilities.talkDetection)
    return spoken(call, node, run, { ...deps, speech: deps.speech });
  const answer = await ask(call, run, node, { maxDigits: 1 }, (digits) => node.options[digits]);
  if (answer.ok) return { next: answer.value, exit: 'chosen' };
  return { next: node.onFail, exit: answer.reason };
};

async function spoken(
  call: CallContext,
  node: Menu,
  run: FlowRun,
  deps: IvrDeps & { speech: SpeechRecognizer },
): Promise<Step> {
  let last: 'no-input' | 'no-match' | undefined;
  let speechFailures = 0;
  for (let attempt = 0; attempt <= node.retries; attempt++) {
    if (speechFailures >= node.speech.fallbackAfter) {
      call.note('speech fallback to keypad');
      const rest = await ask(
        call,
        run,
        { ...node, retries: node.retries - attempt },
        { maxDigits: 1 },
        (d) => node.options[d],
        last,
      );
      return rest.ok
        ? { next: rest.value, exit: 'chosen' }
        : { next: node.onFail, exit: rest.reason };
    }
    const prefix =
      last === 'no-input' ? node.noInput : last === 'no-match' ? node.noMatch : undefined;
    run.turns++;
    const heard = await listen(call, run, deps, {
      prompt: [
        ...toMedia(prefix, run.language, run.scope()),
        ...toMedia(node.prompt, run.language, run.scope()),
      ],
      intents: node.intents.map((i) => ({ id: i.id, phrases: i.phrases })),
      noInputMs: node.firstDigitTimeoutMs,
      maxSpeechMs: node.speech.maxSpeechMs,
      endSilenceMs: node.speech.endSilenceMs,
      minConfidence: node.speech.minConfidence,
    });
    if (heard.kind === 'key') {
      call.record.digits += heard.digit;
      const next = node.options[heard.digit];
      if (next) return { next, exit: 'chosen' };
      call.note(`no match ${heard.digit}`);
      last = 'no-match';
      continue;
    }
    if (heard.kind === 'speech') {
      const intent = node.intents.find((i) => i.id === heard.recognition.intent);
      if (intent) return { next: intent.next, exit: `said ${intent.id}` };
    }
    speechFailures++;
    last = heard.kind === 'silence' ? 'no-input' : 'no-match';
  }
  return { next: node.onFail, exit: last ?? 'no-input' };
}
