import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { HotlineError, isHotlineError } from '../../lib/errors.js';
import { ignored } from '../../lib/settle.js';
import { CALIBRATION, confidence, type Calibration, type Evidence } from './confidence.js';
import { parseDecodeLog, type Decoded } from './decode-log.js';
import { GrammarFiles, type DecodeFiles } from './grammar-files.js';
import type { EndpointOptions } from './endpoint.js';
import { resolveModelsDir } from './models.js';
import { runEngine } from './run-engine.js';
import { trimToSpeech, type TrimmedAudio } from './trim.js';
import type { Recognition, RecognizeOptions, RecognizeRequest, SpeechRecognizer } from './types.js';

type Language = 'en' | 'zh';

export interface PocketsphinxOptions {
  /** Folder holding hub4wsj_sc_8k/ and tdt_sc_8k/ (see models.ts for the fallbacks). */
  modelsDir?: string;
  englishDictionary?: string;
  /** Default `pocketsphinx_continuous` (Debian package pocketsphinx, 0.8). */
  binary?: string;
  /** Below this an intent is reported as no match (default DEFAULT_MIN_CONFIDENCE). */
  minConfidence?: number;
  /** Where compiled grammars are kept (default a folder under os.tmpdir()). */
  cacheDir?: string;
  /** Engine flags per language, replacing the measured defaults flag by flag. */
  flags?: Partial<Record<Language, Readonly<Record<string, string>>>>;
  calibration?: Partial<Record<Language, Calibration>>;
  /**
   * The recording is cut to its speech before decoding (endpoint.ts); `false` decodes it whole.
   * A call recording runs from the prompt's start to talk detection's end, mostly line silence
   * and noise that the phone loop fits better than the grammar does.
   */
  endpoint?: EndpointOptions | false;
  /** For failures that change nothing (debug). */
  log?: Pick<Logger, 'debug'>;
}

/** Where the calibration puts the measured trade-off (confidence.ts). */
export const DEFAULT_MIN_CONFIDENCE = 0.5;

/**
 * Measured on the telephone corpus (media/speech/README.md). Wide beams: with the defaults the
 * right path was pruned while a worse one survived. A phone insertion penalty keeps sound-alike
 * strings of short words from beating the phrase. No VAD: a pause must not split the caller's
 * sentence into two utterances the grammar each has to match. `-remove_noise no` as the English
 * model's own feat.params says (it also measured better for Mandarin).
 */
const FRONT_END: Readonly<Record<string, string>> = {
  '-samprate': '8000',
  '-remove_noise': 'no',
  '-remove_silence': 'no',
};
const GRAMMAR_SEARCH: Readonly<Record<Language, Readonly<Record<string, string>>>> = {
  en: { '-beam': '1e-80', '-pbeam': '1e-80', '-wbeam': '1e-60', '-pip': '0.5' },
  zh: { '-beam': '1e-80', '-pbeam': '1e-80', '-wbeam': '1e-60', '-pip': '0.2' },
};
/**
 * The phone loop only needs its best score, not a careful search: narrower beams cut its cost by
 * a third and left its scores unchanged on the corpus.
 */
const LOOP_SEARCH: Readonly<Record<string, string>> = {
  '-beam': '1e-20',
  '-pbeam': '1e-20',
  '-wbeam': '1e-15',
};

/**
 * pocketsphinx_continuous in JSGF grammar mode at 8 kHz, one process per decode, reading the WAV
 * file itself (from Node the child's stdin is a socket, and `-infile /dev/stdin` reads nothing).
 * Per utterance: the recording cut to its speech (trim.ts), then the intent grammar and a phone
 * loop in parallel, then, if an intent won, the grammar without that intent; the scores give the
 * confidence (confidence.ts).
 */
export class PocketsphinxRecognizer implements SpeechRecognizer {
  readonly name = 'pocketsphinx';
  readonly #binary: string;
  readonly #minConfidence: number;
  readonly #files: GrammarFiles;
  readonly #turnsDir: string;

  constructor(private readonly opts: PocketsphinxOptions = {}) {
    this.#binary = opts.binary ?? 'pocketsphinx_continuous';
    this.#minConfidence = opts.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
    const cacheDir =
      opts.cacheDir ?? join(tmpdir(), `hotline-speech-${String(process.getuid?.() ?? 0)}`);
    this.#files = new GrammarFiles({
      modelsDir: resolveModelsDir(opts.modelsDir),
      cacheDir,
      englishDictionary: opts.englishDictionary,
    });
    this.#turnsDir = join(cacheDir, 'turns');
  }

  /** Compiles the grammar ahead of the first call (a bad phrase fails here, at load time). */
  async prepare(req: RecognizeRequest): Promise<void> {
    await this.#files.grammar(req.language, req.intents);
  }

  async recognize(
    wavPath: string,
    req: RecognizeRequest,
    opts: RecognizeOptions,
  ): Promise<Recognition> {
    const r = await this.recognizeWithEvidence(wavPath, req, opts);
    return r.recognition;
  }

  /** recognize(), plus the raw scores behind the confidence (for calibration and benchmarks). */
  async recognizeWithEvidence(
    wavPath: string,
    req: RecognizeRequest,
    opts: RecognizeOptions,
  ): Promise<{ recognition: Recognition; evidence?: Evidence; kept?: TrimmedAudio['kept'] }> {
    if (opts.signal?.aborted)
      throw new HotlineError('CALL_ENDED', '[speech] call ended before recognition started');
    const started = performance.now();
    const deadline = started + opts.timeoutMs;
    const { language } = req;
    const compiled = await this.#files.grammar(language, req.intents);
    const loopFiles = await this.#files.phoneLoop(language);
    const elapsed = (): number => Math.round(performance.now() - started);

    const audio: TrimmedAudio =
      this.opts.endpoint === false
        ? { path: wavPath, dispose: () => Promise.resolve() }
        : await trimToSpeech(wavPath, this.#turnsDir, this.opts.endpoint);
    const kept = audio.kept ? { kept: audio.kept } : {};
    const cancel = new AbortController();
    const onAbort = (): void => cancel.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const run = (
        files: DecodeFiles,
        search: Readonly<Record<string, string>>,
      ): Promise<Decoded> =>
        this.#decode(audio.path, files, language, search, deadline, cancel.signal, opts);
      const loop = run(loopFiles, LOOP_SEARCH);
      loop.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
      const heard = await firstOrStop(
        run(compiled, GRAMMAR_SEARCH[language]),
        loop,
        cancel,
        this.opts.log,
      );
      const text = heard.words.join(' ');
      const intent = compiled.grammar.intentOf(text);
      if (intent === undefined || heard.score === undefined || heard.speechFrames === 0) {
        cancel.abort(); // the phone loop is not needed any more
        await loop.catch(ignored(this.opts.log, 'stopping the phone-loop decode'));
        return { recognition: { text, confidence: 0, engineMs: elapsed() }, ...kept };
      }
      const anyLoop = await loop;
      const rivals = req.intents.filter((i) => i.id !== intent);
      let rivalScore: number | undefined;
      if (rivals.length > 0)
        rivalScore = (
          await run(await this.#files.grammar(language, rivals), GRAMMAR_SEARCH[language])
        ).score;
      const evidence: Evidence = {
        margin:
          rivalScore === undefined ? Infinity : (heard.score - rivalScore) / heard.speechFrames,
        misfit:
          anyLoop.score === undefined ? 0 : (anyLoop.score - heard.score) / heard.speechFrames,
      };
      const conf = confidence(evidence, {
        ...CALIBRATION[language],
        ...this.opts.calibration?.[language],
      });
      const recognition: Recognition =
        conf >= this.#minConfidence
          ? { intent, text, confidence: conf, engineMs: elapsed() }
          : { text, confidence: conf, engineMs: elapsed() };
      return { recognition, evidence, ...kept };
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      await audio.dispose();
    }
  }

  async #decode(
    wavPath: string,
    files: DecodeFiles,
    language: Language,
    search: Readonly<Record<string, string>>,
    deadline: number,
    signal: AbortSignal,
    outer: RecognizeOptions,
  ): Promise<Decoded> {
    const flags: Record<string, string> = {
      '-infile': wavPath,
      '-hmm': files.hmm,
      '-dict': files.dict,
      '-jsgf': files.jsgf,
      '-backtrace': 'yes',
      ...FRONT_END,
      ...search,
      ...this.opts.flags?.[language],
    };
    const left = Math.floor(deadline - performance.now());
    if (left <= 0) throw timeout(outer.timeoutMs);
    try {
      const run = await runEngine(this.#binary, Object.entries(flags).flat(), {
        timeoutMs: left,
        signal,
      });
      return parseDecodeLog(run.log);
    } catch (err) {
      // The engine's own deadline is what is left of the caller's: report the caller's.
      if (isHotlineError(err, 'SPEECH_TIMEOUT')) throw timeout(outer.timeoutMs, err);
      throw err;
    }
  }
}

/** `a`'s result; when `a` fails, the parallel decode `b` is stopped and awaited before the error. */
async function firstOrStop<A>(
  a: Promise<A>,
  b: Promise<unknown>,
  cancel: AbortController,
  log: Pick<Logger, 'debug'> | undefined,
): Promise<A> {
  try {
    return await a;
  } catch (err) {
    cancel.abort();
    await b.catch(ignored(log, 'stopping the parallel decode'));
    throw err;
  }
}

function timeout(timeoutMs: number, cause?: unknown): HotlineError {
  return new HotlineError(
    'SPEECH_TIMEOUT',
    `[speech] recognition took longer than ${String(timeoutMs)} ms`,
    {
      details: { timeoutMs },
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
