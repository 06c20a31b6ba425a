import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isHotlineError, type HotlineError } from '../../lib/errors.js';
import { decodedDurationMs, ffmpegAvailable, toOpus } from './transcode.js';
import { parseWavHeader, readWavInfo } from './wav.js';

const run = promisify(execFile);
const LIMIT = { timeoutMs: 15_000 };

/** Our own ffmpeg children still in the process table (a zombie counts: nobody reaped it). */
async function ffmpegChildren(): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'latin1').catch(() => '');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (comm === 'ffmpeg' && ppid === process.pid) found.push(Number(entry));
  }
  return found;
}

function gone(pid: unknown): boolean {
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function failure(p: Promise<unknown>): Promise<HotlineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isHotlineError(err)) throw new Error(`expected a HotlineError, got ${String(err)}`);
  return err;
}

/** Encodes a WAV file and checks what the warm tier checks: decoded length within 50 ms. */
async function roundTrip(wav: string, label: string): Promise<{ ogg: Buffer; encodeMs: number }> {
  const info = await readWavInfo(wav);
  const started = performance.now();
  const ogg = await buffer(toOpus(createReadStream(wav), LIMIT));
  const encodeMs = performance.now() - started;
  const decoded = await decodedDurationMs(Readable.from([ogg]), LIMIT);
  console.log(
    `[transcode] ${label}: ${info.durationMs} ms, WAV ${info.fileSize} B → Ogg Opus ${ogg.length} B, ratio ${(info.fileSize / ogg.length).toFixed(1)}:1, ` +
      `encoded in ${encodeMs.toFixed(0)} ms (${(info.durationMs / encodeMs).toFixed(0)}× real time), decoded ${decoded} ms`,
  );
  expect(Math.abs(decoded - info.durationMs)).toBeLessThanOrEqual(50);
  return { ogg, encodeMs };
}

describe('WAV to Ogg Opus through ffmpeg', () => {
  let dir = '';
  const wav = (name: string): string => join(dir, `${name}.wav`);

  beforeAll(async () => {
    if (!(await ffmpegAvailable()))
      throw new Error('these tests need ffmpeg with libopus (Debian package ffmpeg)');
    dir = await mkdtemp(join(tmpdir(), 'hotline-transcode-test-'));
    const sox = (name: string, ...effect: string[]): Promise<unknown> =>
      run('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', wav(name), 'synth', ...effect]);
    await Promise.all([
      sox('tone', '3.2', 'sine', '440'),
      sox('noise', '5', 'pinknoise'),
      sox('long', '60', 'pinknoise', 'tremolo', '4', '80'),
    ]);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    expect(await ffmpegChildren()).toEqual([]);
  });

  it('3.2 s tone: an Ogg Opus stream at 8 kHz, far smaller, same length decoded', async () => {
    const { ogg } = await roundTrip(wav('tone'), 'tone 3.2 s');
    expect(ogg.toString('latin1', 0, 4)).toBe('OggS');
    const head = ogg.indexOf('OpusHead', 0, 'latin1');
    expect(head).toBeGreaterThan(0);
    // OpusHead: magic, version, channels, pre-skip, then the input sample rate.
    expect(ogg.readUInt8(head + 9)).toBe(1);
    expect(ogg.readUInt32LE(head + 12)).toBe(8000);
    expect(ogg.length).toBeLessThan((await readWavInfo(wav('tone'))).fileSize / 5);
  });

  it('5 s and 60 s of noise: same length decoded, still far smaller', async () => {
    for (const [name, label] of [
      ['noise', 'pink noise 5 s'],
      ['long', 'modulated pink noise 60 s'],
    ] as const) {
      const { ogg } = await roundTrip(wav(name), label);
      expect(ogg.length).toBeLessThan((await readWavInfo(wav(name))).fileSize / 5);
    }
  });

  it('a WAV whose RIFF and data sizes are still 0 (Asterisk mid-recording) converts whole', async () => {
    const buf = await readFile(wav('tone'));
    const { dataOffset } = parseWavHeader(buf);
    buf.writeUInt32LE(0, 4);
    buf.writeUInt32LE(0, dataOffset - 4);
    await writeFile(wav('zeroed'), buf);
    expect(
      Math.abs(
        (await decodedDurationMs(createReadStream(wav('zeroed')), { ...LIMIT, format: 'wav' })) -
          3200,
      ),
    ).toBeLessThanOrEqual(1);
    await roundTrip(wav('zeroed'), 'zeroed sizes 3.2 s');
  });

  it('garbage input: TRANSCODE_FAILED with ffmpeg’s complaint', async () => {
    const garbage = Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919) % 251));
    const err = await failure(buffer(toOpus(Readable.from([garbage]), LIMIT)));
    expect(err.code).toBe('TRANSCODE_FAILED');
    expect(err.details).toMatchObject({ reason: 'exit', code: 1 });
    expect(String(err.details.stderr)).not.toBe('');
    expect(err.message).toContain(String(err.details.stderr));
    expect((await failure(decodedDurationMs(Readable.from([garbage]), LIMIT))).code).toBe(
      'TRANSCODE_FAILED',
    );
  });

  it('a deadline of a few ms: TRANSCODE_FAILED, and the child is gone when the error arrives', async () => {
    const err = await failure(buffer(toOpus(createReadStream(wav('long')), { timeoutMs: 5 })));
    expect(err.details).toMatchObject({ reason: 'timeout', signal: 'SIGKILL' });
    expect(gone(err.details.pid)).toBe(true);
    const decodeErr = await failure(
      decodedDurationMs(createReadStream(wav('long')), { timeoutMs: 5, format: 'wav' }),
    );
    expect(decodeErr.details.reason).toBe('timeout');
    expect(gone(decodeErr.details.pid)).toBe(true);
  });

  it('an abort mid-stream: TRANSCODE_FAILED, the child killed, the input released', async () => {
    const ac = new AbortController();
    const input = createReadStream(wav('long'), { highWaterMark: 4096 });
    const output = toOpus(input, { ...LIMIT, signal: ac.signal });
    input.once('data', () => ac.abort(new Error('call deleted')));
    const err = await failure(buffer(output));
    expect(err.details.reason).toBe('aborted');
    expect(gone(err.details.pid)).toBe(true);
    expect(input.destroyed).toBe(true);
    // Already aborted: fails without doing the work.
    expect(
      (
        await failure(
          decodedDurationMs(Readable.from([Buffer.alloc(0)]), { ...LIMIT, signal: ac.signal }),
        )
      ).details.reason,
    ).toBe('aborted');
  });

  it('an input that fails: the output fails with the input’s own error', async () => {
    const head = (await readFile(wav('tone'))).subarray(0, 8192);
    const input = new Readable({ read() {} });
    input.push(head);
    const output = toOpus(input, LIMIT);
    setTimeout(() => input.destroy(new Error('hot tier read failed')), 20);
    await expect(buffer(output)).rejects.toThrow('hot tier read failed');
  });

  it('a reader that gives up: destroying the output kills ffmpeg before it closes', async () => {
    const output = toOpus(createReadStream(wav('long')), LIMIT);
    await new Promise((resolve) => output.once('readable', resolve));
    await new Promise((resolve) => {
      output.once('close', resolve);
      output.destroy();
    });
    // afterEach checks that no ffmpeg child is left.
  });

  it('rejects a bitrate Opus cannot do', () => {
    expect(() => toOpus(Readable.from([]), { ...LIMIT, bitrateKbps: 2 })).toThrow(RangeError);
  });
});
