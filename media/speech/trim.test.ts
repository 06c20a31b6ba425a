import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { mono16Wav, parseMono16 } from './pcm.js';
import { trimToSpeech } from './trim.js';

const RATE = 8000;
/** `ms` of A-law line silence, a 300 Hz tone, and line silence again. */
function turn(silenceMs: number, toneMs: number, afterMs: number): Int16Array {
  const n = (ms: number): number => (ms * RATE) / 1000;
  const out = new Int16Array(n(silenceMs + toneMs + afterMs)).fill(8);
  for (let i = 0; i < n(toneMs); i++)
    out[n(silenceMs) + i] = Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / RATE));
  return out;
}

describe('trimming a recorded turn to its speech', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotline-trim-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the speech and its margins to a new WAV, and removes it when done', async () => {
    const samples = turn(2000, 800, 1500);
    const recording = join(dir, 'turn.wav');
    await writeFile(recording, mono16Wav(samples, RATE));
    const out = join(dir, 'cut');
    const audio = await trimToSpeech(recording, out);
    expect(audio.path).not.toBe(recording);
    // 300 ms before and 400 ms after the tone, plus the one 10 ms frame each side that smoothing adds.
    expect(audio.kept).toEqual({ fromMs: 1690, toMs: 3210, ofMs: 4300 });
    const cut = parseMono16(await readFile(audio.path));
    expect(cut?.sampleRate).toBe(RATE);
    expect(cut?.samples).toEqual(samples.subarray(1690 * 8, 3210 * 8));
    await audio.dispose();
    expect(await readdir(out)).toEqual([]);
    expect(await readFile(recording)).toHaveLength(44 + samples.length * 2); // the recording itself is untouched
  });

  it('decodes the recording as it is when there is nothing worth cutting or nothing to find', async () => {
    const cases: Record<string, Buffer> = {
      'speech all along': mono16Wav(turn(0, 1000, 0), RATE),
      'line silence only': mono16Wav(new Int16Array(16000).fill(8), RATE),
      empty: Buffer.alloc(0),
      'not a wav': Buffer.from('RIFF....WAVEjunk'),
      '16 kHz header, speech inside': mono16Wav(turn(2000, 800, 1500), 16000),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const file = join(dir, `${name.replaceAll(' ', '-')}.wav`);
      await writeFile(file, bytes);
      const audio = await trimToSpeech(file, join(dir, 'cut'));
      if (name.startsWith('16 kHz')) {
        // Cut as well: the engine still refuses the rate, as it would the recording.
        expect(parseMono16(await readFile(audio.path))?.sampleRate).toBe(16000);
      } else {
        expect(audio, name).toMatchObject({ path: file });
        expect(audio.kept, name).toBeUndefined();
      }
      await audio.dispose();
    }
  });

  it('a recording that cannot be read is SPEECH_FAILED naming it', async () => {
    const err = await trimToSpeech(join(dir, 'missing.wav'), join(dir, 'cut')).catch(
      (e: unknown) => e,
    );
    expect(isHotlineError(err, 'SPEECH_FAILED')).toBe(true);
    expect((err as { details: Record<string, unknown> }).details['path']).toBe(
      join(dir, 'missing.wav'),
    );
  });
});
