import { describe, expect, it } from 'vitest';
import { alawToLinear, talkEnd } from '../speech/call-audio.js';

/**
 * The offline model of the speech menu's recording (test/speech/call-audio.ts): Asterisk's
 * TALK_DETECT(set)=800,120 and G.711 A-law decoding.
 */
describe('call-path audio model', () => {
  const ms = (n: number): number => n * 8;
  const line = (...parts: [number, number][]): Int16Array => {
    const out = new Int16Array(ms(parts.reduce((s, [d]) => s + d, 0)));
    let at = 0;
    for (const [d, amplitude] of parts)
      for (let i = 0; i < ms(d); i++, at++) out[at] = i % 2 ? amplitude : -amplitude;
    return out;
  };

  it('talk detection ends the turn 800 ms after the last frame at mean magnitude 120', () => {
    expect(talkEnd(line([500, 8], [1000, 300], [2000, 8]), ms(8000))).toBe(ms(500 + 1000 + 800));
    // Quieter than the threshold is silence, however long.
    expect(talkEnd(line([500, 8], [1000, 119], [2000, 8]), ms(8000))).toBeUndefined();
    // A pause shorter than 800 ms does not end it.
    expect(talkEnd(line([200, 8], [400, 300], [600, 8], [400, 300], [1500, 8]), ms(8000))).toBe(
      ms(200 + 400 + 600 + 400 + 800),
    );
  });

  it('a line that never falls quiet ends at maxSpeech after talking started, or where the audio ends', () => {
    expect(talkEnd(line([300, 8], [10_000, 300]), ms(8000))).toBe(ms(300 + 8000));
    expect(talkEnd(line([300, 8], [2000, 300]), ms(8000))).toBe(ms(2300));
  });

  it('A-law decoding: 0xD5 is the +8 of line silence, and the extremes are ±32256', () => {
    expect(alawToLinear(0xd5)).toBe(8);
    expect(alawToLinear(0x55)).toBe(-8);
    expect(alawToLinear(0xaa)).toBe(32256);
    expect(alawToLinear(0x2a)).toBe(-32256);
  });
});
