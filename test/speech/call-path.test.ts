import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { PocketsphinxRecognizer } from '../../media/speech/pocketsphinx.js';
import { callRecording } from './call-audio.js';
import { buildCorpus, INTENTS, mapLimit, type Language } from '../../tools/speech/corpus.js';
import {
  formatReport,
  languageReport,
  writeJson,
  type LanguageReport,
  type Outcome,
} from './report.js';

/**
 * The corpus as the speech menu records it in a call (call-audio.ts: the caller's pcap from the
 * prompt's start, line silence around the words, cut where talk detection ends the turn), without
 * the lab. By default the noisy half, with the shipped recogniser (about 45 s on two cores);
 * SPEECH_CALL_PATH=full adds the clean half and the same recordings decoded whole (no endpointing),
 * the comparison in media/speech/README.md. Writes bench/results/speech-call-path.json.
 */
const RESULTS = join(PROJECT_ROOT, 'bench', 'results', 'speech-call-path.json');
const LANGUAGES: Language[] = ['en', 'zh'];
const FULL = process.env['SPEECH_CALL_PATH'] === 'full';
const T = { timeoutMs: 60_000 };
/**
 * Below the engine suite's 90 %: the noisy half alone is the harder half (measured 90.7 % in both
 * languages). Decoded whole, the same recordings gave 74.1 % (en) and 90.7 % (zh); see the README.
 */
const MIN_NOISY_ACCURACY = 0.87;

describe('pocketsphinx on call recordings (the call path, offline)', () => {
  const shipped = new PocketsphinxRecognizer();
  const whole = new PocketsphinxRecognizer({ endpoint: false });
  const reports: Record<string, LanguageReport> = {};

  afterAll(async () => {
    if (Object.keys(reports).length === 0) return;
    await writeJson(RESULTS, {
      what:
        'PocketsphinxRecognizer on call-path recordings of the synthetic ' +
        'corpus (test/speech/call-audio.ts), two recognitions at a time',
      recording:
        'caller pcap as SIPp sends it (A-law silence around the corpus file), from 800 ms ' +
        'before the corpus file until TALK_DETECT(800 ms, 120) ends the turn, plus 60 ms',
      conditions: FULL
        ? 'clean and noisy, shipped (endpointed) and decoded whole'
        : 'noisy only, shipped',
      measuredAt: new Date().toISOString(),
      reports,
    });
  });

  describe.each(LANGUAGES)('%s', (language) => {
    it(`names the right intent for at least ${String(MIN_NOISY_ACCURACY * 100)} % of noisy callers through the call path`, async () => {
      const corpus = (await buildCorpus(language)).filter((u) => FULL || u.noisy);
      const recordings = await mapLimit(corpus, 2, async (u) => ({
        u,
        wav: await callRecording(u.wav),
      }));
      const request = { language, intents: INTENTS[language] };
      const decode = (recognizer: PocketsphinxRecognizer): Promise<Outcome[]> =>
        mapLimit(recordings, 2, async ({ u, wav }) =>
          wav
            ? { u, ...(await recognizer.recognize(wav, request, T)) }
            : { u, text: '(talk detection heard nothing)', confidence: 0, engineMs: 0 },
        );

      const report = languageReport(await decode(shipped));
      reports[`${language} shipped`] = report;
      console.log(formatReport(`${language} call path`, report));
      if (FULL) {
        const baseline = languageReport(await decode(whole));
        reports[`${language} decoded whole`] = baseline;
        console.log(formatReport(`${language} call path, decoded whole`, baseline));
      }
      const noisy = report.byNoise['noisy'];
      expect(noisy?.accuracy ?? 0, report.misses.join('\n')).toBeGreaterThanOrEqual(
        MIN_NOISY_ACCURACY,
      );
    });
  });
});
