import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mono16Wav, parseMono16 } from '../../media/speech/pcm.js';
import { DEFAULT_CACHE_DIR } from '../../tools/speech/corpus.js';

const run = promisify(execFile);

/**
 * What the speech menu records in a call, without the lab: the caller's side from the prompt's
 * start until talk detection calls the end of speech, as controller/ivr/nodes/listen.ts and the
 * SIPp caller of tools/speech/calls.ts make it:
 *
 * - the recording starts `recordLeadMs` before the caller's speech pcap (SIPp sends 600 ms of
 *   A-law silence after the answer and starts the speech 800 ms after it; the spy records from
 *   the prompt's start, a moment after the answer);
 * - the speech pcap (tools/sipp/rtp-pcap.ts audioPcap) is 200 ms of A-law silence (0xD5, which
 *   decodes to 8), the corpus file (its noise only over its own 0.3 s / 0.5 s pads and the
 *   words), then 1500 ms of A-law silence;
 * - TALK_DETECT(set)=800,120 (listen.ts): a 20 ms frame whose mean magnitude reaches 120 is
 *   talking; 800 ms below it ends the turn, and the recording stops `stopLagMs` after that.
 *
 * With `noise: 'continuous'` the background of a noisy file goes on over the whole recording (a
 * real caller's room does not fall silent between words and pcaps); talk detection then never
 * hears 800 ms of quiet and the turn ends at maxSpeechMs, as listen.ts does.
 */
export interface CallAudioOptions {
  recordLeadMs?: number;
  stopLagMs?: number;
  noise?: 'as-sent' | 'continuous';
  /** listen.ts: the longest utterance (menu default 8000 ms). */
  maxSpeechMs?: number;
}

const RATE = 8000;
const FRAME = 160; // 20 ms, as Asterisk's DSP sees the caller's frames
const ALAW_SILENCE = 8;
const TALK_THRESHOLD = 120;
const END_SILENCE_MS = 800;
/** Bump when the recipe below changes, so cached files are made again. */
const RECIPE = 'call-v3';

/** The recording's WAV path (cached beside the corpus), or undefined when talk detection would hear nothing. */
export async function callRecording(
  corpusWav: string,
  opts: CallAudioOptions = {},
): Promise<string | undefined> {
  const o = {
    recordLeadMs: 600,
    stopLagMs: 60,
    noise: 'as-sent' as const,
    maxSpeechMs: 8000,
    ...opts,
  };
  const key = createHash('sha256')
    .update(JSON.stringify([RECIPE, corpusWav, o]))
    .digest('hex')
    .slice(0, 20);
  const dir = join(DEFAULT_CACHE_DIR, 'calls');
  const target = join(dir, `${key}.wav`);
  const none = join(dir, `${key}.none`);
  if (await exists(none)) return undefined;
  if (await exists(target)) return target;
  await mkdir(dir, { recursive: true });

  const work = await mkdtemp(join(dir, '.work-'));
  try {
    const words = await readSamples(corpusWav);
    const lead = ms(o.recordLeadMs + 200);
    // The pcap's 1500 ms of silence after the words; a room's noise goes on until maxSpeech at least.
    const tail = o.noise === 'continuous' ? Math.max(ms(1500), ms(o.maxSpeechMs)) : ms(1500);
    let timeline: Int16Array;
    if (o.noise === 'continuous') {
      timeline = await throughAlaw(withRoomNoise(words, lead, tail), work);
    } else {
      // What SIPp sends: the corpus file through sox to A-law (audioPcap), between exact 0xD5 frames.
      timeline = new Int16Array(lead + words.length + tail).fill(ALAW_SILENCE);
      timeline.set(await throughAlaw(words, work), lead);
    }
    const end = talkEnd(timeline, ms(o.maxSpeechMs));
    if (end === undefined) {
      await writeFile(none, '');
      return undefined;
    }
    const out = join(work, 'out.wav');
    await writeFile(
      out,
      mono16Wav(timeline.subarray(0, Math.min(timeline.length, end + ms(o.stopLagMs))), RATE),
    );
    await rename(out, target);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Through G.711 A-law and back as tools/sipp/rtp-pcap.ts makes the caller's pcap: sox to A-law
 * (sox dithers there, as it did for the pcap), and the codec's own decoding back to linear.
 */
async function throughAlaw(samples: Int16Array, work: string): Promise<Int16Array> {
  const linear = join(work, 'linear.wav');
  const alaw = join(work, 'sent.al');
  await writeFile(linear, mono16Wav(samples, RATE));
  await run('sox', [linear, '-t', 'al', '-r', String(RATE), '-c', '1', alaw], { timeout: 30_000 });
  return Int16Array.from(await readFile(alaw), alawToLinear);
}

/** ITU-T G.711 A-law decoding (0xD5 is +8, the code for silence). */
export function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  const exponent = (a & 0x70) >> 4;
  let magnitude = ((a & 0x0f) << 4) + 8;
  if (exponent > 0) magnitude = (magnitude + 0x100) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

/**
 * Where Asterisk's TALK_DETECT ends the turn (sample index), or undefined if it never starts: the
 * first loud frame starts talking; END_SILENCE_MS of quiet frames, or maxSpeech, ends it.
 */
export function talkEnd(samples: Int16Array, maxSpeech: number): number | undefined {
  let started: number | undefined;
  let quiet = 0;
  for (let at = 0; at + FRAME <= samples.length; at += FRAME) {
    let sum = 0;
    for (let i = at; i < at + FRAME; i++) sum += Math.abs(samples[i] ?? 0);
    const loud = sum / FRAME >= TALK_THRESHOLD;
    if (started === undefined) {
      if (loud) started = at;
      continue;
    }
    quiet = loud ? 0 : quiet + FRAME;
    if (quiet >= ms(END_SILENCE_MS)) return at + FRAME;
    if (at + FRAME - started >= maxSpeech) return at + FRAME;
  }
  return started === undefined ? undefined : samples.length;
}

/**
 * The words with `before` and `after` samples of pink noise around them, at the level of the
 * utterance's own leading pad (its first 250 ms, words not yet spoken), from a fixed seed; a
 * clean file gets line silence instead.
 */
function withRoomNoise(words: Int16Array, before: number, after: number): Int16Array {
  const out = new Int16Array(before + words.length + after).fill(ALAW_SILENCE);
  out.set(words, before);
  const pad = words.subarray(0, ms(250));
  const level = Math.sqrt(pad.reduce((s, x) => s + x * x, 0) / Math.max(1, pad.length));
  if (level < 4 * ALAW_SILENCE) return out;
  const noise = pinkNoise(out.length, 0x5eed);
  const rms = Math.sqrt(noise.reduce((s, x) => s + x * x, 0) / noise.length);
  for (let i = 0; i < out.length; i++)
    if (i < before || i >= before + words.length)
      out[i] = Math.round(((noise[i] ?? 0) * level) / rms);
  return out;
}

/** Paul Kellet's pink filter over a small LCG's white noise: repeatable, no dependency. */
function pinkNoise(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0;
  let [b0, b1, b2, b3, b4, b5, b6] = [0, 0, 0, 0, 0, 0, 0];
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const w = s / 2 ** 31 - 1;
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.969 * b2 + w * 0.153852;
    b3 = 0.8665 * b3 + w * 0.3104856;
    b4 = 0.55 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.016898;
    out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
  }
  return out;
}

async function readSamples(path: string): Promise<Int16Array> {
  const pcm = parseMono16(await readFile(path));
  if (pcm?.sampleRate !== RATE) throw new Error(`${path}: not an 8 kHz 16-bit mono WAV`);
  return pcm.samples;
}

const ms = (n: number): number => Math.round((n * RATE) / 1000);

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
