import { maskDigits } from '../../../lib/mask.js';
import type { Digit } from '../../media-server/types.js';
import type { CallContext } from '../../session/context.js';
import { gather } from '../../session/verbs/gather.js';
import type { FlowRun } from '../run-state.js';
import type { Sounds } from '../schema.js';
import { soundsLabel, toMedia } from '../sounds.js';

export interface Question {
  prompt: Sounds;
  noInput?: Sounds | undefined;
  noMatch?: Sounds | undefined;
  retries: number;
  firstDigitTimeoutMs: number;
  interDigitTimeoutMs: number;
}

export type Answer<T> = { ok: true; value: T } | { ok: false; reason: 'no-input' | 'no-match' };

/**
 * Puts a keypad question to the caller, again after no input or a wrong answer (prefixed by the
 * node's no-input or no-match prompt), up to its retries. Each try is one turn. `judge` turns the
 * keys into an answer, or undefined for a wrong one. `sensitive` keys (a card, a number to call
 * back) reach `judge` and the flow as typed, but the call's record and timeline only as `*`.
 */
export async function ask<T>(
  call: CallContext,
  run: FlowRun,
  q: Question,
  keys: { maxDigits: number; terminator?: Digit; sensitive?: boolean },
  judge: (digits: string) => T | undefined,
  /** Why the question is asked again, when an earlier (spoken) try failed. */
  after?: 'no-input' | 'no-match',
): Promise<Answer<T>> {
  let last = after;
  for (let attempt = 0; attempt <= q.retries; attempt++) {
    const prefix = last === 'no-input' ? q.noInput : last === 'no-match' ? q.noMatch : undefined;
    const media = [
      ...toMedia(prefix, run.language, run.scope()),
      ...toMedia(q.prompt, run.language, run.scope()),
    ];
    run.turns++;
    const digits = await gather(call, {
      prompt: media,
      label: soundsLabel(prefix, q.prompt),
      maxDigits: keys.maxDigits,
      ...(keys.terminator ? { terminator: keys.terminator } : {}),
      firstDigitTimeoutMs: q.firstDigitTimeoutMs,
      interDigitTimeoutMs: q.interDigitTimeoutMs,
      maxPromptMs: 120_000,
      sensitive: keys.sensitive,
    });
    const shown = keys.sensitive ? maskDigits(digits) : digits;
    call.record.digits += shown;
    if (digits === '') {
      last = 'no-input';
      continue;
    }
    const value = judge(digits);
    if (value !== undefined) return { ok: true, value };
    call.note(`no match ${shown}`);
    last = 'no-match';
  }
  return { ok: false, reason: last ?? 'no-input' };
}
