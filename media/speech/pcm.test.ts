import { describe, expect, it } from 'vitest';
import { mono16Wav, parseMono16 } from './pcm.js';

describe('speech pcm', () => {
  it('reads back what it writes, with the plain 44-byte header the engine expects', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 8]);
    const bytes = mono16Wav(samples, 8000);
    expect(bytes.length).toBe(44 + 12);
    expect(bytes.toString('latin1', 36, 40)).toBe('data');
    expect(parseMono16(bytes)).toEqual({ sampleRate: 8000, samples });
  });

  it('skips chunks before the data and reads a header left unfinished as far as the samples go', () => {
    const plain = mono16Wav(Int16Array.from([5, 6, 7]), 8000);
    const list = Buffer.alloc(8 + 5); // an odd-sized chunk and its pad byte
    list.write('LIST', 0, 'latin1');
    list.writeUInt32LE(4, 4);
    const withList = Buffer.concat([
      plain.subarray(0, 36),
      list.subarray(0, 12),
      plain.subarray(36),
    ]);
    withList.writeUInt32LE(0, withList.length - 6 - 4); // data size 0: still recording
    expect(parseMono16(withList)?.samples).toEqual(Int16Array.from([5, 6, 7]));
    // a torn last sample is dropped
    expect(parseMono16(plain.subarray(0, plain.length - 3))?.samples).toEqual(Int16Array.from([5]));
  });

  it('anything but 16-bit mono PCM is not read', () => {
    const stereo = mono16Wav(Int16Array.from([1, 2]), 8000);
    stereo.writeUInt16LE(2, 22);
    stereo.writeUInt16LE(4, 32);
    expect(parseMono16(stereo)).toBeUndefined();
    expect(parseMono16(Buffer.from('not a wav at all'))).toBeUndefined();
    expect(parseMono16(Buffer.alloc(0))).toBeUndefined();
  });
});
