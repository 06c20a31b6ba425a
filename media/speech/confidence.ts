/**
 * Confidence from three decodes of the same audio, each score per frame of speech:
 *
 * - margin: best grammar path minus the best path that avoids the winning intent. A clear
 *   request beats every rival intent by a wide margin; off-topic speech fits all of them about
 *   equally badly, and so do many misrecognitions.
 * - misfit: a free phone loop (any sounds at all) minus the best grammar path. Speech that is
 *   not in the grammar leaves the grammar far behind what the phone loop finds.
 *
 * confidence = logistic((margin - misfitWeight * misfit - offset) / scale), per language, because
 * the two models score on different scales. Calibrated on the synthetic telephone corpus in
 * test/speech (see media/speech/README.md): an offset of 0 puts confidence 0.5 where the
 * measured accuracy stayed at or above 90 % while rejecting most off-topic speech.
 */
export interface Evidence {
  /** Per speech frame; Infinity when no rival exists (one intent, or nothing else fits). */
  margin: number;
  /** Per speech frame; usually positive (the loop fits better), negative when it lost its way. */
  misfit: number;
}

export interface Calibration {
  misfitWeight: number;
  offset: number;
  scale: number;
}

export const CALIBRATION: Readonly<Record<'en' | 'zh', Calibration>> = {
  en: { misfitWeight: 0.3, offset: -4, scale: 1.5 },
  zh: { misfitWeight: 0.5, offset: -17, scale: 3 },
};

/** The largest margin that counts: beyond it a rival is simply absent. */
const MARGIN_CAP = 30;

export function confidence(e: Evidence, c: Calibration): number {
  const z = (Math.min(e.margin, MARGIN_CAP) - c.misfitWeight * e.misfit - c.offset) / c.scale;
  return 1 / (1 + Math.exp(-z));
}
