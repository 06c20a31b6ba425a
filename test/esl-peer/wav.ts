import { closeSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * WAV helpers. Recordings are written the way mod_sndfile writes an 8 kHz mono L16 recording:
 * a 44-byte RIFF/WAVE header (PCM, 1 channel, 16 bit) and the samples, here all silence, as many
 * as the recorded time. Durations of files to play come from their RIFF header.
 */
export function writeSilenceWav(path: string, ms: number, rate = 8000): number {
  const samples = Math.max(0, Math.round((ms * rate) / 1000));
  const dataBytes = samples * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat([header, Buffer.alloc(dataBytes)]));
  return samples;
}

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  dataBytes: number;
  durationMs: number;
}

/** Reads the RIFF header; undefined when the file is missing or not a WAV. */
export function readWavInfo(path: string): WavInfo | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    if (
      n < 12 ||
      head.toString('ascii', 0, 4) !== 'RIFF' ||
      head.toString('ascii', 8, 12) !== 'WAVE'
    )
      return undefined;
    let off = 12;
    let fmt: { channels: number; sampleRate: number; byteRate: number; bits: number } | undefined;
    while (off + 8 <= n) {
      const id = head.toString('ascii', off, off + 4);
      const size = head.readUInt32LE(off + 4);
      if (id === 'fmt ' && off + 24 <= n) {
        fmt = {
          channels: head.readUInt16LE(off + 10),
          sampleRate: head.readUInt32LE(off + 12),
          byteRate: head.readUInt32LE(off + 16),
          bits: head.readUInt16LE(off + 22),
        };
      } else if (id === 'data' && fmt) {
        const available = statSync(path).size - (off + 8);
        const dataBytes = size === 0 || size === 0xffffffff || size > available ? available : size;
        const durationMs = fmt.byteRate > 0 ? (dataBytes / fmt.byteRate) * 1000 : 0;
        return {
          sampleRate: fmt.sampleRate,
          channels: fmt.channels,
          bitsPerSample: fmt.bits,
          dataBytes,
          durationMs,
        };
      }
      off += 8 + size + (size % 2);
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}
