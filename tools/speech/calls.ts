import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallRecord } from '../../controller/calls/record.js';
import type { Controller } from '../../controller/main.js';
import { INTENTS, type Utterance } from './corpus.js';
import { audioPcap, silencePcap } from '../sipp/rtp-pcap.js';
import { runSipp } from '../sipp/sipp.js';

/**
 * Speech through real calls: flows with a spoken menu of the corpus's six intents (one per
 * language, each intent leading to its own node), and a SIPp caller who says one utterance.
 */

/** A spoken menu of the corpus's six intents, one flow per language. */
export function speechFlows(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-speech-flows-'));
  for (const [language, number] of [
    ['en', '4008009020'],
    ['zh', '4008009021'],
  ] as const) {
    const intents = INTENTS[language].map(
      (i) =>
        `      - { id: ${i.id}, phrases: [${i.phrases.map((p) => JSON.stringify(p)).join(', ')}], next: ${i.id.replaceAll('_', '-')} }`,
    );
    const ends = INTENTS[language].map((i) => `  ${i.id.replaceAll('_', '-')}: { verb: hangup }`);
    writeFileSync(
      join(dir, `speech-${language}.yaml`),
      `flow: speech-${language}\nnumbers: ["${number}"]\nlanguage: ${language}\nstart: answer\nnodes:\n  answer: { verb: answer, next: main }\n  main:\n    verb: menu\n    prompt: menu-main\n    retries: 0\n    firstDigitTimeoutMs: 4000\n    intents:\n${intents.join('\n')}\n    onFail: bye\n${ends.join('\n')}\n  bye: { verb: hangup }\n`,
    );
  }
  return dir;
}

/** One utterance through a real call: SIPp speaks it into the menu; the record says what was heard. */
export async function speakInCall(
  c: Pick<Controller, 'store'>,
  u: Utterance,
): Promise<{ heard: string | undefined; record: CallRecord | undefined; sipp: string }> {
  const speech = await audioPcap(u.wav);
  const res = await runSipp({
    scenario: 'uac-400-dtmf-expect-bye',
    service: u.language === 'en' ? '4008009020' : '4008009021',
    openingPcap: silencePcap(600),
    speech,
    timeoutMs: 40_000,
  });
  let record: CallRecord | undefined;
  for (let i = 0; i < 80 && record?.state !== 'ended'; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 100));
    record = await c.store.findBySipCallId(res.callId(1));
  }
  const node = record?.path?.[2];
  const heard = node === undefined || node === 'bye' ? undefined : node.replaceAll('-', '_');
  return {
    heard,
    record,
    sipp: res.exitCode === 0 ? 'ok' : `SIPp exit ${res.exitCode}: ${res.errors.slice(0, 300)}`,
  };
}
