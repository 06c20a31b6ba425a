import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { parseWavHeader, readWavInfo, wavDurationMs, type WavHeader } from './wav.js';

const run = promisify(execFile);

/** A RIFF chunk: id, little-endian size, body, and the pad byte an odd size needs. */
function chunk(id: string, body: Buffer, declared = body.length): Buffer {
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(declared, 4);
  return Buffer.concat([head, body, Buffer.alloc(body.length % 2)]);
}

function fmt(format = 1, channels = 1, rate = 8000, bits = 16): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt16LE(format, 0);
  b.writeUInt16LE(channels, 2);
  b.writeUInt32LE(rate, 4);
  b.writeUInt32LE((rate * channels * bits) / 8, 8);
  b.writeUInt16LE((channels * bits) / 8, 12);
  b.writeUInt16LE(bits, 14);
  return chunk('fmt ', b);
}

function riff(...chunks: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVE', 'latin1'), ...chunks]);
}

function expectCorrupt(f: () => unknown): void {
  let caught: unknown;
  try {
    f();
  } catch (err) {
    caught = err;
  }
  expect(isHotlineError(caught, 'RECORDING_CORRUPT'), String(caught)).toBe(true);
}

describe('parseWavHeader', () => {
  it('skips LIST and odd-sized chunks (with their pad byte) before the data', () => {
    const buf = riff(
      chunk('LIST', Buffer.from('INFOx', 'latin1')),
      fmt(),
      chunk('junk', Buffer.alloc(3)),
      chunk('data', Buffer.alloc(1600)),
    );
    const h = parseWavHeader(buf);
    expect(h).toEqual({
      sampleRate: 8000,
      channels: 1,
      bitsPerSample: 16,
      dataOffset: 12 + 14 + 24 + 12 + 8,
      dataBytes: 1600,
    });
    expect(wavDurationMs(h, buf.length)).toBe(100);
  });

  it('accepts WAVE_FORMAT_EXTENSIBLE with a PCM sub-format', () => {
    const ext = Buffer.alloc(40);
    fmt(1, 2, 16000, 16).copy(ext, 0, 8, 24);
    ext.writeUInt16LE(0xfffe, 0);
    ext.writeUInt16LE(22, 16);
    ext.writeUInt16LE(1, 24);
    const h = parseWavHeader(riff(chunk('fmt ', ext), chunk('data', Buffer.alloc(64000))));
    expect(h).toMatchObject({ sampleRate: 16000, channels: 2, bitsPerSample: 16 });
    expect(wavDurationMs(h, h.dataOffset + 64000)).toBe(1000);
  });

  it('RECORDING_CORRUPT for garbage, truncation, a missing fmt or a non-PCM format', () => {
    expectCorrupt(() => parseWavHeader(Buffer.alloc(0)));
    expectCorrupt(() =>
      parseWavHeader(Buffer.from('this is not a wav file, just some text', 'latin1')),
    );
    const good = riff(fmt(), chunk('data', Buffer.alloc(160)));
    expectCorrupt(() => parseWavHeader(good.subarray(0, 30))); // ends inside fmt
    expectCorrupt(() => parseWavHeader(good.subarray(0, 40))); // ends before the data chunk
    expectCorrupt(() => parseWavHeader(riff(chunk('data', Buffer.alloc(160)), fmt())));
    expectCorrupt(() => parseWavHeader(riff(fmt(0x31), chunk('data', Buffer.alloc(65))))); // GSM "wav49"
    expectCorrupt(() => parseWavHeader(riff(fmt(1, 0), chunk('data', Buffer.alloc(160)))));
  });
});

describe('wavDurationMs counts the audio actually present', () => {
  const h: WavHeader = {
    sampleRate: 8000,
    channels: 1,
    bitsPerSample: 16,
    dataOffset: 44,
    dataBytes: 16000,
  };
  it.each([
    ['as declared', 16000, 44 + 16000, 1000],
    ['declared 0 (still recording): to the end of the file', 0, 44 + 8000, 500],
    ['declared 0xFFFFFFFF: to the end of the file', 0xffffffff, 44 + 8000, 500],
    ['declared more than the file holds: what it holds', 16000, 44 + 4000, 250],
    ['declared less than the file (a trailing chunk): the declared', 1600, 44 + 16000, 100],
    ['a torn last sample does not count', 0, 44 + 16001, 1000],
    ['a file cut inside the header', 0, 20, 0],
  ])('%s', (_what, dataBytes, fileSize, ms) => {
    expect(wavDurationMs({ ...h, dataBytes }, fileSize)).toBe(ms);
  });
});

describe('readWavInfo on files sox writes', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotline-wav-test-'));
    await run('sox', [
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      '-b',
      '16',
      join(dir, 'tone.wav'),
      'synth',
      '3.2',
      'sine',
      '440',
    ]);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('8 kHz mono 16-bit, 3200 ms', async () => {
    const info = await readWavInfo(join(dir, 'tone.wav'));
    expect(info).toMatchObject({
      sampleRate: 8000,
      channels: 1,
      bitsPerSample: 16,
      dataBytes: 3.2 * 8000 * 2,
    });
    expect(info.durationMs).toBeGreaterThanOrEqual(3199);
    expect(info.durationMs).toBeLessThanOrEqual(3201);
  });

  it('the right duration when Asterisk has not yet written the RIFF and data sizes (zeroed)', async () => {
    const buf = await readFile(join(dir, 'tone.wav'));
    const { dataOffset } = parseWavHeader(buf);
    buf.writeUInt32LE(0, 4);
    buf.writeUInt32LE(0, dataOffset - 4);
    await writeFile(join(dir, 'zeroed.wav'), buf);
    const info = await readWavInfo(join(dir, 'zeroed.wav'));
    expect(info.dataBytes).toBe(0);
    expect(Math.abs(info.durationMs - 3200)).toBeLessThanOrEqual(1);
  });

  it('RECORDING_CORRUPT (naming the file) for a truncated or garbage file', async () => {
    const buf = await readFile(join(dir, 'tone.wav'));
    await writeFile(join(dir, 'truncated.wav'), buf.subarray(0, 30));
    await writeFile(
      join(dir, 'garbage.wav'),
      Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)),
    );
    for (const name of ['truncated.wav', 'garbage.wav']) {
      const err = await readWavInfo(join(dir, name)).catch((e: unknown) => e);
      expect(isHotlineError(err, 'RECORDING_CORRUPT'), String(err)).toBe(true);
      expect(isHotlineError(err) && err.details.path).toBe(join(dir, name));
    }
  });
});
