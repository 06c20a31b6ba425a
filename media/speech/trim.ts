import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HotlineError } from '../../lib/errors.js';
import { findSpeech, type EndpointOptions } from './endpoint.js';
import { mono16Wav, parseMono16 } from './pcm.js';

/** The audio to decode: the speech cut from the recording, or the recording itself. */
export interface TrimmedAudio {
  path: string;
  /** What was kept, in ms of the recording; absent when the recording is decoded as it is. */
  kept?: { fromMs: number; toMs: number; ofMs: number };
  /** Removes the cut copy, as the recording is removed: the caller's voice is never kept. */
  dispose(): Promise<void>;
}

/** Cutting less than this is not worth a copy. */
const MIN_CUT_MS = 100;

/**
 * Cuts a recorded turn to its speech (endpoint.ts) into a new WAV in `dir`. Anything that is not
 * 16-bit mono PCM, or where no speech stands out, is decoded as recorded: the engine then answers
 * for it as it did without this step (a wrong rate is still its SPEECH_FAILED, silence still no
 * intent). A file that cannot be read is SPEECH_FAILED here.
 */
export async function trimToSpeech(
  wavPath: string,
  dir: string,
  options: EndpointOptions = {},
): Promise<TrimmedAudio> {
  const asRecorded: TrimmedAudio = { path: wavPath, dispose: () => Promise.resolve() };
  const bytes = await readFile(wavPath).catch((err: unknown) => {
    throw new HotlineError('SPEECH_FAILED', `[speech] cannot read ${wavPath}`, {
      cause: err,
      details: { path: wavPath },
    });
  });
  const pcm = parseMono16(bytes);
  if (!pcm) return asRecorded;
  const { samples, sampleRate } = pcm;
  const region = findSpeech(samples, sampleRate, options);
  const ms = (n: number): number => Math.round((n * 1000) / sampleRate);
  if (!region || ms(samples.length - (region.end - region.start)) < MIN_CUT_MS) return asRecorded;

  await mkdir(dir, { recursive: true });
  const path = join(dir, `turn-${randomUUID()}.wav`);
  await writeFile(path, mono16Wav(samples.subarray(region.start, region.end), sampleRate));
  return {
    path,
    kept: { fromMs: ms(region.start), toMs: ms(region.end), ofMs: ms(samples.length) },
    dispose: () => rm(path, { force: true }),
  };
}
