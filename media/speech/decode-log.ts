/**
 * Reads what pocketsphinx_continuous 0.8 logs with `-backtrace yes`: per utterance a frame count
 * (`fsg_search.c(..): N frames, ...`), the hypothesis with its path score
 * (`pocketsphinx.c(..): words (-12345)`) and a table of words with start/end frames and acoustic
 * scores. Lattice posteriors (`-time yes`) are useless here: in grammar mode they are 1.000 for
 * every word, right or wrong, so the confidence is built from these scores instead.
 * A file split into several utterances (a long pause) is summed back into one result.
 */
export interface Decoded {
  /** Words heard, fillers and silence removed, alternate-pronunciation marks dropped. */
  words: string[];
  /** Path score (log domain, larger is better); undefined when nothing matched the grammar. */
  score: number | undefined;
  frames: number;
  /** Frames the path spent in words other than silence and noise fillers. */
  speechFrames: number;
}

const FRAMES = /fsg_search\.c\(\d+\): (\d+) frames,/;
const HYPOTHESIS = /pocketsphinx\.c\(\d+\): (.*) \((-?\d+)\)\s*$/;
const WORD_ROW = /^(\S+)\s+(\d+)\s+(\d+)\s+[\d.]+\s+-?\d+\s+-?\d+\s+\d+\s*$/;
const FILLER = /^(<s>|<\/s>|<sil>|\(NULL\)|\+\+.*\+\+|\[.*\])$/;

export function parseDecodeLog(log: string): Decoded {
  const words: string[] = [];
  let score: number | undefined;
  let frames = 0;
  let speechFrames = 0;
  for (const line of log.split('\n')) {
    const f = FRAMES.exec(line);
    if (f?.[1]) {
      frames += Number(f[1]);
      continue;
    }
    const h = HYPOTHESIS.exec(line);
    if (h?.[2]) {
      score = (score ?? 0) + Number(h[2]);
      continue;
    }
    const w = WORD_ROW.exec(line);
    if (w?.[1] && w[1] !== 'word') {
      const word = w[1].replace(/\(\d+\)$/, '');
      if (FILLER.test(word)) continue;
      words.push(word);
      speechFrames += Number(w[3]) - Number(w[2]) + 1;
    }
  }
  return { words, score, frames, speechFrames };
}
