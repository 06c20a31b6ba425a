import { describe, expect, it } from 'vitest';
import { describeOutcome, judgeCall, parseExpect, type CallFacts } from './call-outcome.js';

// What SIPp logs when the hotline answers 200 OK to the BYE SIPp sends after its own timeout.
const LATE_200 =
  "Aborting call on unexpected message for Call-Id 'x': while expecting " +
  "'BYE' (index 7), received 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP";
const REFUSED_404 =
  "Aborting call on unexpected message for Call-Id 'x': while expecting " +
  "'200' (index 3), received 'SIP/2.0 404 Not Found\r\nVia: SIP/2.0/UDP";

const facts = (over: Partial<CallFacts> = {}): CallFacts => ({
  sippExit: 0,
  sippSuccessful: true,
  sippErrors: '',
  answered: true,
  record: { state: 'ended', outcome: 'completed', digits: '11' },
  keys: '11',
  byeTimeoutMs: 30_000,
  ...over,
});

// The call the issue reports: voicemail out of hours, the caller hung up after 30 s, SIPp saw a 200.
const voicemailTimedOut = facts({
  sippExit: 1,
  sippSuccessful: false,
  sippErrors: LATE_200,
  record: { state: 'ended', outcome: 'voicemail', digits: '' },
});

describe('hotline call: outcome wording and --expect', () => {
  it('a completed call with its keys heard is OK, as before', () => {
    expect(judgeCall(facts())).toEqual({ ok: true });
  });

  it('an answered call that reached voicemail is never "refused", and says how a message ends', () => {
    const j = judgeCall(voicemailTimedOut);
    expect(j.ok).toBe(false);
    expect(j.problem).not.toMatch(/refused/);
    expect(j.problem).toBe(
      'the hotline did not hang up within 30 s, so the caller did (a ' +
        'voicemail message ends when the caller presses # or hangs up)',
    );
  });

  it('only an unanswered call is refused, with the PBX final answer', () => {
    expect(
      judgeCall(
        facts({
          answered: false,
          sippExit: 1,
          sippSuccessful: false,
          sippErrors: REFUSED_404,
          record: undefined,
        }),
      ).problem,
    ).toBe('the PBX refused the call: 404 Not Found');
    // A 200 in the log does not refuse anything.
    expect(
      judgeCall(
        facts({
          answered: false,
          sippExit: 1,
          sippSuccessful: false,
          sippErrors: LATE_200,
          record: undefined,
        }),
      ).problem,
    ).toBe('the call was not answered (sipp exit 1)');
  });

  it('without --expect, keys the controller did not hear fail the call', () => {
    expect(
      judgeCall(facts({ record: { state: 'ended', outcome: 'completed', digits: '2' } })).problem,
    ).toBe('the controller heard "2" of the keys "11"');
  });

  it('an answered call with no record points at the controller', () => {
    expect(judgeCall(facts({ record: undefined })).problem).toBe(
      'no record of the call at the controller (is it running? sipp exit 0)',
    );
  });

  it('with --expect, the outcome decides the result', () => {
    expect(judgeCall(voicemailTimedOut, ['voicemail'])).toEqual({ ok: true });
    expect(judgeCall(voicemailTimedOut, ['completed', 'voicemail'])).toEqual({ ok: true });
    expect(judgeCall(facts(), ['voicemail'])).toEqual({
      ok: false,
      problem: 'expected voicemail; the call ended as completed',
    });
    // The voicemail's # is not a menu key: --expect does not ask for the keys to be heard.
    expect(
      judgeCall(
        facts({ keys: '#', record: { state: 'ended', outcome: 'voicemail', digits: '' } }),
        ['voicemail'],
      ).ok,
    ).toBe(true);
    expect(
      judgeCall(
        facts({
          answered: false,
          sippExit: 1,
          sippSuccessful: false,
          sippErrors: REFUSED_404,
          record: undefined,
        }),
        ['completed'],
      ),
    ).toEqual({
      ok: false,
      problem: 'expected completed; the PBX refused the call: 404 Not Found',
    });
  });

  it('parses --expect lists and names the unknown ones', () => {
    expect(parseExpect('completed, voicemail')).toEqual({ outcomes: ['completed', 'voicemail'] });
    expect(parseExpect('voicemail,answered')).toEqual({ unknown: ['answered'] });
    expect(parseExpect(' , ')).toEqual({ unknown: [] });
  });

  it('says what happened in plain words, with the path', () => {
    expect(
      describeOutcome({ outcome: 'voicemail', path: ['answer', 'hours', 'after-hours'] }),
    ).toBe(
      'the caller was offered voicemail and left a message (path answer > hours > after-hours)',
    );
    expect(describeOutcome({ outcome: 'completed', path: undefined })).toBe(
      'the flow ran to its end and the hotline hung up',
    );
    expect(describeOutcome(undefined)).toMatch(/^unknown/);
  });
});
