/**
 * Where the speech is in a recorded turn: an energy endpointer that adapts to the line's noise.
 *
 * A call recording runs from the start of the prompt until talk detection calls the end, so the
 * caller's few words sit between long stretches of line silence and background noise. The engine
 * scores all of it: the phone loop fits the line's digital silence (all zero once the engine has
 * removed DC) and the switch from it to noise far better than the grammar's silence model, and
 * that misfit (confidence.ts) rejects right answers (media/speech/README.md, "Call recordings").
 * The speech with a short margin of its own background is what the engine was calibrated on.
 */
export interface SpeechRegion {
  /** First sample kept. */
  start: number;
  /** One past the last sample kept. */
  end: number;
}

export interface EndpointOptions {
  /** Analysis frame; 10 ms as the engine's own frames. */
  frameMs?: number;
  /**
   * Frames quieter than this (dBFS) carry no signal: the digital silence of an idle RTP stream
   * (A-law 0xD5 decodes to 8, about -72 dBFS). They never count towards the noise floor, else
   * noise next to them would pass for speech.
   */
  noSignalDb?: number;
  /** The noise floor is this quantile of the frames with signal. */
  floorQuantile?: number;
  /** Speech is at least this far above the noise floor. */
  riseDb?: number;
  /**
   * ...or this far below the loudest moment, whichever is lower: a recording without any
   * background (digital silence around clean speech) has no noise floor to measure, and the
   * quietest frames with signal are then speech themselves.
   */
  belowPeakDb?: number;
  /** Loud stretches shorter than this are clicks, not speech. */
  minSpeechMs?: number;
  /**
   * A stretch of noise at least this long between line silence and the speech ends the margin
   * there; Infinity keeps the whole margin whatever it holds.
   */
  switchMs?: number;
  /** Kept before the first and after the last speech: weak onsets and endings, and some background. */
  leadMs?: number;
  tailMs?: number;
}

export const ENDPOINT_DEFAULTS: Readonly<Required<EndpointOptions>> = {
  frameMs: 10,
  noSignalDb: -60,
  floorQuantile: 0.1,
  riseDb: 10,
  belowPeakDb: 20,
  minSpeechMs: 60,
  switchMs: 100,
  leadMs: 300,
  tailMs: 400,
};

/** The speech in 16-bit mono samples, with margins; undefined when nothing stands out from the noise. */
export function findSpeech(
  samples: Int16Array,
  sampleRate: number,
  options: EndpointOptions = {},
): SpeechRegion | undefined {
  const o = { ...ENDPOINT_DEFAULTS, ...options };
  const frameLen = Math.max(1, Math.round((sampleRate * o.frameMs) / 1000));
  const raw = frameLevels(samples, frameLen);
  const level = smooth(raw);
  const withSignal = level.filter((db) => db >= o.noSignalDb).sort((a, b) => a - b);
  if (withSignal.length === 0) return undefined;
  const floor = withSignal[Math.floor(o.floorQuantile * (withSignal.length - 1))] ?? o.noSignalDb;
  const peak = withSignal[withSignal.length - 1] ?? o.noSignalDb;
  // On a line that is never silent, something must stand out from its noise. Where the line
  // falls silent, whatever has signal stands out from that silence (the belowPeakDb rule).
  if (peak - floor < o.riseDb && withSignal.length === level.length) return undefined;
  const threshold = Math.min(floor + o.riseDb, peak - o.belowPeakDb);
  const frames = (ms: number): number => Math.max(1, Math.round(ms / o.frameMs));

  let first: number | undefined;
  let last: number | undefined;
  let run = 0;
  level.forEach((db, i) => {
    run = db >= threshold ? run + 1 : 0;
    if (run < frames(o.minSpeechMs)) return;
    first ??= i - run + 1;
    last = i;
  });
  if (first === undefined || last === undefined) return undefined;

  // Margins of the speech's own background: where the line switches between digital silence and
  // a stretch of noise, the margin stops at the noise (that switch is what the phone loop fits).
  const silent = (i: number): boolean => (raw[i] ?? -Infinity) < o.noSignalDb;
  const background = o.switchMs / o.frameMs;
  let from = Math.max(0, first - frames(o.leadMs));
  for (let i = first - 1; i >= from; i--) {
    if (!silent(i)) continue;
    if (first - 1 - i >= background) from = i + 1;
    break;
  }
  let to = Math.min(raw.length - 1, last + frames(o.tailMs));
  for (let i = last + 1; i <= to; i++) {
    if (!silent(i)) continue;
    if (i - last - 1 >= background) to = i - 1;
    break;
  }
  return { start: from * frameLen, end: Math.min(samples.length, (to + 1) * frameLen) };
}

/** Mean power of each whole frame, in dB below full scale (digital zero is -100). */
function frameLevels(samples: Int16Array, frameLen: number): number[] {
  const out: number[] = [];
  for (let at = 0; at + frameLen <= samples.length; at += frameLen) {
    let sum = 0;
    for (let i = at; i < at + frameLen; i++) {
      const x = (samples[i] ?? 0) / 32768;
      sum += x * x;
    }
    out.push(10 * Math.log10(sum / frameLen + 1e-10));
  }
  return out;
}

/** Power averaged with the neighbouring frames: one noise frame peaking is not a syllable. */
function smooth(db: readonly number[]): number[] {
  const power = db.map((d) => 10 ** (d / 10));
  return power.map((_, i) => {
    const near = power.slice(Math.max(0, i - 1), i + 2);
    return 10 * Math.log10(near.reduce((s, p) => s + p, 0) / near.length);
  });
}
