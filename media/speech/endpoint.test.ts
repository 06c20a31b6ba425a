import { describe, expect, it } from 'vitest';
import { findSpeech, type SpeechRegion } from './endpoint.js';

const RATE = 8000;
const ms = (n: number): number => (n * RATE) / 1000;
/** A-law silence (0xD5) as a call records it. */
const LINE_SILENCE = 8;

type Part = { ms: number; tone?: number; noise?: number };

/** Concatenated parts: digital line silence, a 300 Hz tone and/or white noise (fixed seed). */
function signal(...parts: Part[]): Int16Array {
  const out = new Int16Array(ms(parts.reduce((s, p) => s + p.ms, 0)));
  let seed = 12345;
  let at = 0;
  for (const p of parts) {
    for (let i = 0; i < ms(p.ms); i++, at++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const noise = (p.noise ?? 0) * (seed / 2 ** 31 - 1);
      const tone = (p.tone ?? 0) * Math.sin((2 * Math.PI * 300 * at) / RATE);
      out[at] = p.tone || p.noise ? Math.round(tone + noise) : LINE_SILENCE;
    }
  }
  return out;
}

const at = (sample: number): number => Math.round((sample * 1000) / RATE);

/** The region found, its start and end (in ms) each within [low, high]. */
function expectRegion(
  r: SpeechRegion | undefined,
  start: [number, number],
  end?: [number, number],
): void {
  expect(r).toBeDefined();
  const ends: [number, [number, number] | undefined][] = [
    [at(r!.start), start],
    [at(r!.end), end],
  ];
  for (const [value, range] of ends) {
    if (!range) continue;
    expect(value).toBeGreaterThanOrEqual(range[0]);
    expect(value).toBeLessThanOrEqual(range[1]);
  }
}

describe('speech endpointer', () => {
  it('line silence, a tone, line silence: the tone with 300 ms before and 400 ms after', () => {
    expectRegion(
      findSpeech(signal({ ms: 1000 }, { ms: 800, tone: 8000 }, { ms: 1200 }), RATE),
      [680, 710],
      [2190, 2220],
    );
  });

  it('adapts to the noise floor: noise all along, the louder part is the speech', () => {
    expectRegion(
      findSpeech(
        signal(
          { ms: 1500, noise: 600 },
          { ms: 600, tone: 6000, noise: 600 },
          { ms: 1500, noise: 600 },
        ),
        RATE,
      ),
      [1150, 1210],
      [2480, 2520],
    );
  });

  it('the same tone is speech on a quiet line and background on a loud one', () => {
    expect(
      findSpeech(
        signal(
          { ms: 1000, noise: 100 },
          { ms: 600, tone: 2000, noise: 100 },
          { ms: 1000, noise: 100 },
        ),
        RATE,
      ),
    ).toBeDefined();
    // 2000 sine amplitude (RMS ~1400) in white noise of RMS ~2300: nothing stands out.
    expect(
      findSpeech(
        signal(
          { ms: 1000, noise: 4000 },
          { ms: 600, tone: 2000, noise: 4000 },
          { ms: 1000, noise: 4000 },
        ),
        RATE,
      ),
    ).toBeUndefined();
  });

  it('a noise burst between stretches of line silence: the margin stops where the noise starts and ends', () => {
    // As a noisy caller's pcap arrives: silence, then noise that starts 150 ms before the words and
    // goes on 600 ms after.
    // Start: not into the silence, though the lead margin is 300 ms; end: the 400 ms tail margin is all noise.
    const r = findSpeech(
      signal(
        { ms: 800 },
        { ms: 150, noise: 500 },
        { ms: 700, tone: 8000, noise: 500 },
        { ms: 600, noise: 500 },
        { ms: 900 },
      ),
      RATE,
    );
    expectRegion(r, [800, 820], [2030, 2070]);
  });

  it('with switchMs Infinity the margins are kept whatever they hold', () => {
    expectRegion(
      findSpeech(
        signal(
          { ms: 800 },
          { ms: 150, noise: 500 },
          { ms: 700, tone: 8000, noise: 500 },
          { ms: 1500 },
        ),
        RATE,
        { switchMs: Infinity },
      ),
      [640, 660],
    );
  });

  it('a click shorter than minSpeechMs is not speech', () => {
    expect(
      findSpeech(signal({ ms: 1000 }, { ms: 30, tone: 20000 }, { ms: 1000 }), RATE),
    ).toBeUndefined();
    const r = findSpeech(
      signal(
        { ms: 500 },
        { ms: 30, tone: 20000 },
        { ms: 1000 },
        { ms: 500, tone: 8000 },
        { ms: 1000 },
      ),
      RATE,
    );
    expect(at(r!.start)).toBeGreaterThanOrEqual(1200); // from the tone, not the click
  });

  it('clean speech of uneven loudness on a silent line: found whole, though no noise floor exists', () => {
    const r = findSpeech(
      signal(
        { ms: 600 },
        { ms: 200, tone: 1500 },
        { ms: 300, tone: 12000 },
        { ms: 200, tone: 900 },
        { ms: 800 },
      ),
      RATE,
    );
    expect(r).toBeDefined();
    expect(at(r!.start)).toBeLessThanOrEqual(600);
    expect(at(r!.end)).toBeGreaterThanOrEqual(1300);
  });

  it('all noise, all line silence, digital zero or nothing at all: no speech', () => {
    expect(findSpeech(signal({ ms: 3000, noise: 800 }), RATE)).toBeUndefined();
    expect(findSpeech(signal({ ms: 3000 }), RATE)).toBeUndefined();
    expect(findSpeech(new Int16Array(ms(2000)), RATE)).toBeUndefined();
    expect(findSpeech(new Int16Array(0), RATE)).toBeUndefined();
    expect(findSpeech(new Int16Array(50).fill(9000), RATE)).toBeUndefined(); // less than one frame
  });

  it('speech at the very edges: the region is clipped to the recording', () => {
    const samples = signal({ ms: 100, noise: 200 }, { ms: 700, tone: 8000, noise: 200 });
    expect(findSpeech(samples, RATE)).toEqual({ start: 0, end: samples.length });
  });
});
