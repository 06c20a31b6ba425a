import type { CallContext } from '../session/context.js';
import { answer } from '../session/verbs/answer.js';
import { gather } from '../session/verbs/gather.js';
import { hangup } from '../session/verbs/hangup.js';
import { play } from '../session/verbs/play.js';
import { queue } from '../acd/queue.js';
import type { CallOutcome } from '../calls/record.js';

/**
 * The foundation's call: answer, welcome (a key stops it), one digit; a digit in the menu sends
 * the caller to that queue, any other is read back; goodbye, hang up. The IVR replaces this with
 * flows read from files.
 */
export async function welcomeFlow(call: CallContext): Promise<CallOutcome> {
  const { settings } = call;
  const prompt = (id: string) => ({ type: 'prompt' as const, id, language: settings.language });
  await answer(call);
  const digits = await gather(call, {
    prompt: prompt(settings.welcomePrompt),
    maxDigits: 1,
    firstDigitTimeoutMs: settings.digitTimeoutMs,
    interDigitTimeoutMs: settings.digitTimeoutMs,
    maxPromptMs: 30_000,
  });
  call.record.digits = digits;
  const queueId = settings.menu[digits];
  if (queueId && call.routing) {
    const outcome = await queue(call, call.routing, queueId);
    if (outcome === 'connected' || outcome === 'abandoned') return outcome;
    // Nobody free in time (or voicemail and callbacks, which the IVR will offer): a goodbye
    // rather than a dropped call.
    await play(call, prompt(settings.goodbyePrompt), { maxMs: 10_000 });
    await hangup(call);
    return outcome === 'timeout' ? 'queue-timeout' : 'overflow';
  }
  if (digits) {
    // One playback for both: half the commands and events of two.
    await play(call, [prompt('you-pressed'), { type: 'digits', digits }], { maxMs: 15_000 });
  }
  await play(call, prompt(settings.goodbyePrompt), { maxMs: 10_000 });
  await hangup(call);
  return digits ? 'completed' : 'no-input';
}
