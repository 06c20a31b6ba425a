import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HotlineError, isHotlineError } from '../../lib/errors.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import {
  DEBIAN_ENGLISH_DICTIONARY,
  languageModel,
  resolveModelsDir,
} from '../../media/speech/models.js';
import { DEFAULT_MIN_CONFIDENCE, PocketsphinxRecognizer } from '../../media/speech/pocketsphinx.js';
import type { RecognizeRequest } from '../../media/speech/types.js';
import {
  buildCorpus,
  INTENTS,
  mapLimit,
  NOISE_SNR_DB,
  OFF_TOPIC,
  SPEEDS,
  VOICES,
  type Language,
  type Utterance,
} from '../../tools/speech/corpus.js';
import { childrenNamed } from './processes.js';
import {
  formatReport,
  languageReport,
  writeJson,
  type LanguageReport,
  type Outcome,
} from './report.js';

const run = promisify(execFile);
const ENGINE = 'pocketsphinx_continuous';
const RESULTS = join(PROJECT_ROOT, 'bench', 'results', 'speech-engine.json');
const T = { timeoutMs: 20_000 };
const LANGUAGES: Language[] = ['en', 'zh'];

/** The codes a failure carries, or 'ok' with the recognised intent. */
async function outcome(p: Promise<{ intent?: string }>): Promise<string> {
  try {
    return `ok:${(await p).intent ?? 'none'}`;
  } catch (err) {
    if (isHotlineError(err)) return err.code;
    throw err;
  }
}

describe('pocketsphinx recognizer on 8 kHz telephone audio', () => {
  const recognizer = new PocketsphinxRecognizer();
  const request = (language: Language): RecognizeRequest => ({
    language,
    intents: INTENTS[language],
  });
  const reports: Partial<Record<Language, LanguageReport>> = {};
  let scratch = '';

  beforeAll(async () => {
    const models = resolveModelsDir();
    for (const need of [
      languageModel('en', models).hmm,
      languageModel('zh', models).dictionary,
      DEBIAN_ENGLISH_DICTIONARY,
    ]) {
      await access(need).catch(() => {
        throw new Error(
          `speech tests need ${need}: the models ship in media/speech/models/ (see media/speech/README.md); install pocketsphinx-en-us`,
        );
      });
    }
    for (const tool of [ENGINE, 'espeak-ng', 'sox'])
      await run('sh', ['-c', `command -v ${tool}`]).catch(() =>
        Promise.reject(new Error(`speech tests need ${tool}`)),
      );
    scratch = await mkdtemp(join(tmpdir(), 'hotline-speech-test-'));
  });

  afterAll(async () => {
    if (!reports.en && !reports.zh) return;
    await writeJson(RESULTS, {
      what:
        'PocketsphinxRecognizer on synthetic telephone speech ' +
        '(espeak-ng → 8 kHz → G.711 A-law), one recognition at a time',
      engine: 'pocketsphinx_continuous 0.8, JSGF grammar + phone loop + rival-intent decode',
      models: { en: 'hub4wsj_sc_8k + cmudict-en-us', zh: 'tdt_sc_8k + mandarin_notone.dic' },
      minConfidence: DEFAULT_MIN_CONFIDENCE,
      corpus: {
        voices: Object.fromEntries(
          LANGUAGES.map((l) => [l, VOICES[l].map((v) => `espeak-ng ${v.args.join(' ')}`)]),
        ),
        speedsWpm: SPEEDS,
        noise: `noisy = pink noise ${String(NOISE_SNR_DB)} dB below the utterance RMS, before the codec`,
      },
      measuredAt: new Date().toISOString(),
      languages: reports,
    });
  });

  describe.each(LANGUAGES)('%s', (language) => {
    it('names the right intent for at least 90 % of the corpus (every voice, speed, clean and noisy)', async () => {
      const corpus = await buildCorpus(language);
      expect(corpus.length).toBeGreaterThanOrEqual(60);
      await recognizer.prepare(request(language));
      // Two recognitions at a time: each runs one or two engine processes, together about 1.3
      // cores, so two keep both cores busy (results do not depend on timing).
      const rows = await mapLimit(corpus, 2, async (u): Promise<Outcome> => ({
        u,
        ...(await recognizer.recognize(u.wav, request(language), T)),
      }));
      const report = languageReport(rows);
      reports[language] = report;
      console.log(formatReport(language, report));
      expect(report.overall.accuracy, report.misses.join('\n')).toBeGreaterThanOrEqual(0.9);
    });

    it('rejects most off-topic speech (a closed grammar alone never would: measured rate)', async () => {
      const corpus: Utterance[] = await buildCorpus(language, { sayings: OFF_TOPIC[language] });
      const rows = await mapLimit(corpus, 2, async (u) => ({
        u,
        ...(await recognizer.recognize(u.wav, request(language), T)),
      }));
      const rejected = rows.filter((r) => r.intent === undefined).length;
      const offTopic = {
        n: rows.length,
        rejected,
        rate: Math.round((rejected / rows.length) * 1000) / 1000,
      };
      const report = reports[language];
      if (report) report.offTopic = offTopic;
      console.log(
        `speech ${language}: off-topic rejected ${String(rejected)}/${String(rows.length)}; accepted as: ${rows
          .filter((r) => r.intent)
          .map((r) => `"${r.u.text}" → ${r.intent ?? ''}`)
          .join('; ')}`,
      );
      expect(offTopic.rate).toBeGreaterThanOrEqual(0.6);
    });

    it('silence alone is no intent', async () => {
      const wav = join(scratch, `silence-${language}.wav`);
      await run('sox', [
        '-n',
        '-r',
        '8000',
        '-c',
        '1',
        '-b',
        '16',
        '-e',
        'signed-integer',
        wav,
        'synth',
        '2',
        'whitenoise',
        'vol',
        '0.001',
      ]);
      const r = await recognizer.recognize(wav, request(language), T);
      expect(r.intent).toBeUndefined();
    });
  });

  it('broken audio is a typed error or no match, never a crash', async () => {
    const good = (await buildCorpus('en', { noisy: [false] }))[0]!.wav;
    const bytes = await readFile(good);
    const cases: Record<string, Buffer> = {
      empty: Buffer.alloc(0),
      random: Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251)),
      'header only': bytes.subarray(0, 44),
      truncated: bytes.subarray(0, Math.floor(bytes.length / 3)),
    };
    const wide = join(scratch, 'wideband.wav');
    await run('sox', [good, '-r', '16000', wide]);
    const outcomes: Record<string, string> = {};
    for (const [name, data] of Object.entries(cases)) {
      const file = join(scratch, `${name.replace(' ', '-')}.wav`);
      await writeFile(file, data);
      outcomes[name] = await outcome(recognizer.recognize(file, request('en'), T));
    }
    outcomes['16 kHz'] = await outcome(recognizer.recognize(wide, request('en'), T));
    outcomes['missing file'] = await outcome(
      recognizer.recognize(join(scratch, 'nope.wav'), request('en'), T),
    );
    console.log(`speech: broken audio → ${JSON.stringify(outcomes)}`);
    for (const o of Object.values(outcomes)) expect(o).toMatch(/^(SPEECH_FAILED|ok:none|ok:\w+)$/);
    expect(outcomes['16 kHz']).toBe('SPEECH_FAILED');
    expect(outcomes['missing file']).toBe('SPEECH_FAILED');
    expect(outcomes['empty']).toMatch(/^(SPEECH_FAILED|ok:none)$/);
  });

  it('a missing engine binary is SPEECH_FAILED', async () => {
    const wav = (await buildCorpus('en', { noisy: [false] }))[0]!.wav;
    const broken = new PocketsphinxRecognizer({ binary: '/nonexistent/pocketsphinx_continuous' });
    expect(await outcome(broken.recognize(wav, request('en'), T))).toBe('SPEECH_FAILED');
  });

  it('a phrase the dictionary cannot say is SPEECH_GRAMMAR_INVALID naming it', async () => {
    const err = await recognizer
      .prepare({ language: 'en', intents: [{ id: 'x', phrases: ['speak to a zxqvbn'] }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HotlineError);
    expect((err as HotlineError).code).toBe('SPEECH_GRAMMAR_INVALID');
    expect((err as HotlineError).details).toMatchObject({
      word: 'zxqvbn',
      phrase: 'speak to a zxqvbn',
    });
  });

  it('past the deadline: SPEECH_TIMEOUT, and no engine process is left', async () => {
    const wav = (await buildCorpus('en', { noisy: [false] }))[0]!.wav;
    await recognizer.prepare(request('en'));
    const err = await recognizer
      .recognize(wav, request('en'), { timeoutMs: 30 })
      .catch((e: unknown) => e);
    expect(isHotlineError(err, 'SPEECH_TIMEOUT')).toBe(true);
    expect(await childrenNamed(ENGINE)).toEqual([]);
  });

  it(
    'the call ends mid-recognition: CALL_ENDED, and no engine process is left',
    async () => {
      const wav = (await buildCorpus('zh', { noisy: [false] }))[0]!.wav;
      await recognizer.prepare(request('zh'));
      const ac = new AbortController();
      const pending = recognizer
        .recognize(wav, request('zh'), { timeoutMs: 20_000, signal: ac.signal })
        .catch((e: unknown) => e);
      for (let i = 0; i < 200 && (await childrenNamed(ENGINE)).length === 0; i++)
        await new Promise((r) => setTimeout(r, 5));
      expect((await childrenNamed(ENGINE)).length).toBeGreaterThan(0);
      ac.abort();
      expect(isHotlineError(await pending, 'CALL_ENDED')).toBe(true);
      expect(await childrenNamed(ENGINE)).toEqual([]);
    },
    { retry: 1 },
  ); // a short clip can finish before the abort lands
});
