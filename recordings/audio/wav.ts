import { open } from 'node:fs/promises';
import { HotlineError } from '../../lib/errors.js';

/**
 * The header of a PCM WAV file, as Asterisk writes call recordings (8 kHz mono 16-bit). Only the
 * chunks before the audio matter; the sizes in them are not trusted, because Asterisk leaves them
 * 0 (or stale) while it records and fixes them only when it closes the file.
 */
export interface WavHeader {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Where the samples start. */
  dataOffset: number;
  /** The data chunk's size as declared: may be 0, 0xFFFFFFFF or wrong (see wavDurationMs). */
  dataBytes: number;
}

export interface WavInfo extends WavHeader {
  fileSize: number;
  durationMs: number;
}

/** Enough for Asterisk's 44-byte header and any ordinary LIST/bext chunks before the data. */
export const WAV_HEADER_READ_BYTES = 4096;

const FORMAT_PCM = 1;
const FORMAT_EXTENSIBLE = 0xfffe;
/** "Unknown size" as streaming writers declare it. */
const SIZE_UNKNOWN = 0xffffffff;

/**
 * Walks the RIFF chunks up to the data chunk. Skips LIST, fact, bext and the like, with the pad
 * byte after an odd-sized chunk. Anything unparseable is RECORDING_CORRUPT; so is a non-PCM WAV
 * (e.g. GSM "wav49"), whose duration is not a byte count.
 */
export function parseWavHeader(buf: Buffer): WavHeader {
  if (
    buf.length < 12 ||
    buf.toString('latin1', 0, 4) !== 'RIFF' ||
    buf.toString('latin1', 8, 12) !== 'WAVE'
  ) {
    throw corrupt('not a RIFF/WAVE file');
  }
  let fmt: Omit<WavHeader, 'dataOffset' | 'dataBytes'> | undefined;
  let at = 12;
  while (at + 8 <= buf.length) {
    const id = buf.toString('latin1', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'data') {
      if (!fmt) throw corrupt('data chunk before the fmt chunk');
      return { ...fmt, dataOffset: body, dataBytes: size };
    }
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) throw corrupt(`fmt chunk too short (${size} bytes)`);
      fmt = parseFmt(buf, body, size);
    }
    // Chunks are word-aligned: an odd size is followed by one pad byte.
    at = body + size + (size % 2);
  }
  throw corrupt(`no data chunk in the first ${buf.length} bytes`);
}

function parseFmt(
  buf: Buffer,
  at: number,
  size: number,
): Omit<WavHeader, 'dataOffset' | 'dataBytes'> {
  let format = buf.readUInt16LE(at);
  const channels = buf.readUInt16LE(at + 2);
  const sampleRate = buf.readUInt32LE(at + 4);
  const blockAlign = buf.readUInt16LE(at + 12);
  const bitsPerSample = buf.readUInt16LE(at + 14);
  // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes of its sub-format GUID.
  if (format === FORMAT_EXTENSIBLE && size >= 40 && at + 26 <= buf.length)
    format = buf.readUInt16LE(at + 24);
  if (format !== FORMAT_PCM)
    throw corrupt(`unsupported WAV format 0x${format.toString(16)} (only PCM)`);
  if (channels < 1 || sampleRate < 1 || ![8, 16, 24, 32].includes(bitsPerSample)) {
    throw corrupt(
      `implausible format: ${channels} channels, ${sampleRate} Hz, ${bitsPerSample} bits`,
    );
  }
  if (blockAlign !== (channels * bitsPerSample) / 8)
    throw corrupt(`block align ${blockAlign} does not match ${channels}×${bitsPerSample} bits`);
  return { sampleRate, channels, bitsPerSample };
}

/**
 * The bytes of audio actually present: the declared data size if the file holds that many, else
 * what the file holds (a header written before the recording ended). A declared 0 or 0xFFFFFFFF
 * means "not known yet": everything after the header counts.
 */
export function wavDataBytes(header: WavHeader, fileSize: number): number {
  const present = Math.max(0, fileSize - header.dataOffset);
  if (header.dataBytes === 0 || header.dataBytes === SIZE_UNKNOWN) return present;
  return Math.min(header.dataBytes, present);
}

/** Milliseconds of audio in the whole frames present (a torn last frame does not count). */
export function wavDurationMs(header: WavHeader, fileSize: number): number {
  const frameBytes = (header.channels * header.bitsPerSample) / 8;
  const frames = Math.floor(wavDataBytes(header, fileSize) / frameBytes);
  return (frames * 1000) / header.sampleRate;
}

/** The header and duration of a WAV file, reading only its first 4 KiB and its size. */
export async function readWavInfo(path: string): Promise<WavInfo> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const buf = Buffer.alloc(Math.min(size, WAV_HEADER_READ_BYTES));
    const { bytesRead } = await file.read(buf, 0, buf.length, 0);
    const header = parseWavHeader(buf.subarray(0, bytesRead));
    return { ...header, fileSize: size, durationMs: wavDurationMs(header, size) };
  } catch (err) {
    if (err instanceof HotlineError)
      throw new HotlineError(err.code, `${err.message}: ${path}`, {
        cause: err,
        details: { ...err.details, path },
      });
    throw err;
  } finally {
    await file.close();
  }
}

function corrupt(reason: string): HotlineError {
  return new HotlineError('RECORDING_CORRUPT', `[recordings] [wav] ${reason}`, {
    details: { reason },
  });
}
