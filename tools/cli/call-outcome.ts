import type { CallOutcome, CallRecord } from '../../controller/calls/record.js';

/** Every outcome in plain words; a Record so a new outcome cannot be left without words. */
const WORDS: Record<CallOutcome, string> = {
  completed: 'the flow ran to its end and the hotline hung up',
  'no-input': 'the caller gave no usable answer, so the hotline hung up',
  'caller-hangup': 'the caller hung up before the flow ended',
  rejected: 'the hotline turned the call away',
  refused: 'overload control refused the call (too many calls in progress, or arriving too fast)',
  failed: 'the call failed in the controller (see its log)',
  connected: 'the caller was connected to an agent',
  abandoned: 'the caller hung up while waiting in a queue',
  'queue-timeout': 'nobody in the queue answered in time',
  overflow: 'the queue was full',
  transferred: 'the call was transferred to another number',
  voicemail: 'the caller was offered voicemail and left a message',
  callback: 'the caller asked to be called back',
};

export const CALL_OUTCOMES = Object.keys(WORDS) as CallOutcome[];

/** `--expect completed,voicemail` → the outcomes, or the names that are not outcomes. */
export function parseExpect(text: string): { outcomes: CallOutcome[] } | { unknown: string[] } {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = names.filter((n) => !(CALL_OUTCOMES as string[]).includes(n));
  return unknown.length > 0 || names.length === 0
    ? { unknown }
    : { outcomes: names as CallOutcome[] };
}

/**
 * What the call did, from the controller's record, e.g. "the caller was offered voicemail … (path
 * answer > hours > after-hours)".
 */
export function describeOutcome(record: Pick<CallRecord, 'outcome' | 'path'> | undefined): string {
  if (!record?.outcome) return 'unknown: the controller has no finished record of the call';
  const path = record.path && record.path.length > 0 ? ` (path ${record.path.join(' > ')})` : '';
  return `${WORDS[record.outcome]}${path}`;
}

/** Everything the judgement needs, gathered from SIPp and the controller's record. */
export interface CallFacts {
  sippExit: number;
  /** SIPp counted the call successful: the hotline hung up (BYE) as the scenario expects. */
  sippSuccessful: boolean;
  /** SIPp's error log. */
  sippErrors: string;
  answered: boolean;
  record: Pick<CallRecord, 'state' | 'outcome' | 'digits'> | undefined;
  /** The keys pressed, pauses removed. */
  keys: string;
  /** How long the caller waited for the hotline to hang up. */
  byeTimeoutMs: number;
}

/**
 * Whether the call counts as a success. With `expect`, the outcome decides (a voicemail that the
 * caller ended is still a voicemail); without, the hotline must have ended the call itself and
 * heard the keys, as before.
 */
export function judgeCall(
  f: CallFacts,
  expect?: readonly CallOutcome[],
): { ok: boolean; problem?: string } {
  const ended = f.record?.state === 'ended';
  const outcome = f.record?.outcome;
  if (expect) {
    if (ended && outcome !== undefined && expect.includes(outcome)) return { ok: true };
    return {
      ok: false,
      problem: `expected ${expect.join(' or ')}; ${ended ? `the call ended as ${outcome ?? 'unknown'}` : describeProblem(f, true)}`,
    };
  }
  const heard = f.record?.digits ?? '';
  const keysOk = f.keys === '' || (heard.length > 0 && f.keys.startsWith(heard));
  if (f.sippExit === 0 && f.sippSuccessful && ended && keysOk) return { ok: true };
  return { ok: false, problem: describeProblem(f, keysOk) };
}

function describeProblem(f: CallFacts, keysOk: boolean): string {
  if (!f.answered) {
    // Only a final answer to the INVITE refuses a call; SIPp also logs 200s it did not expect.
    const refused = /received 'SIP\/2\.0 ([3-6]\d\d) ([^\r\n']*)/.exec(f.sippErrors);
    if (refused) return `the PBX refused the call: ${refused[1]} ${refused[2]}`;
    return `the call was not answered (sipp exit ${f.sippExit})`;
  }
  if (!f.record)
    return `no record of the call at the controller (is it running? sipp exit ${f.sippExit})`;
  if (!f.sippSuccessful) {
    const waited = `the hotline did not hang up within ${Math.round(f.byeTimeoutMs / 1000)} s, so the caller did`;
    // A recording runs until the caller ends it: say how, rather than leave a bare timeout.
    return f.record.outcome === 'voicemail'
      ? `${waited} (a voicemail message ends when the caller presses # or hangs up)`
      : waited;
  }
  if (f.record.state !== 'ended') return 'the controller has not finished its record of the call';
  if (!keysOk)
    return `the controller heard ${JSON.stringify(f.record.digits ?? '')} of the keys ${JSON.stringify(f.keys)}`;
  return `sipp exit ${f.sippExit}, controller outcome ${f.record.outcome ?? 'unknown'}`;
}
