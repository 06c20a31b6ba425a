import { isHotlineError } from '../../lib/errors.js';
import { parseWavHeader, WAV_HEADER_READ_BYTES, wavDataBytes } from '../../recordings/audio/wav.js';

/** 16-bit mono samples of a WAV file. */
export interface Mono16 {
  sampleRate: number;
  samples: Int16Array;
}

/**
 * The samples of a 16-bit mono PCM WAV (what the spy records); undefined for anything else, or
 * for bytes that are no WAV at all. A header written before the recording ended is read as far as
 * the samples go (recordings/audio/wav.ts).
 */
export function parseMono16(bytes: Buffer): Mono16 | undefined {
  let header: ReturnType<typeof parseWavHeader>;
  try {
    header = parseWavHeader(bytes.subarray(0, WAV_HEADER_READ_BYTES));
  } catch (err) {
    if (isHotlineError(err, 'RECORDING_CORRUPT')) return undefined;
    throw err;
  }
  if (header.channels !== 1 || header.bitsPerSample !== 16) return undefined;
  const count = Math.floor(wavDataBytes(header, bytes.length) / 2);
  // Copied out: the samples may start at an odd offset, which an Int16Array view cannot.
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i++) samples[i] = bytes.readInt16LE(header.dataOffset + 2 * i);
  return { sampleRate: header.sampleRate, samples };
}

/** A WAV with the plain 44-byte header: pocketsphinx_continuous skips exactly 44 bytes of a .wav. */
export function mono16Wav(samples: Int16Array, sampleRate: number): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(s, 2 * i));
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32); // block align
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}
