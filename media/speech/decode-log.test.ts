import { describe, expect, it } from 'vitest';
import { parseDecodeLog } from './decode-log.js';

// Trimmed from real pocketsphinx_continuous 0.8 output with -backtrace yes.
const ONE = `INFO: cmn_live.c(138): Update to   < 52.61 -4.01 -0.24 >
INFO: fsg_search.c(853): 240 frames, 6480 HMMs (27/fr), 16134 senones (67/fr), 1303 history entries (5/fr)

INFO: fsg_search.c(868): fsg 0.01 CPU 0.006 xRT
INFO: pocketsphinx.c(1168): i would like to check my order status (-32185)
word                 start end   pprob ascr       lscr       lback
<sil>                0     11    1.000 -2059      -337       1  
i                    12    20    1.000 -1855      0          1  
to(3)                58    72    1.000 -2246      0          1  
++NOISE++            73    80    1.000 -100       0          1  
status               150   207   1.000 -8185      0          1  
(NULL)               207   207   1.000 0          0          1  
<sil>                208   239   1.000 -2969      -337       1  
INFO: fsg_search.c(263): TOTAL fsg 0.01 CPU 0.006 xRT
`;

describe('pocketsphinx decode log', () => {
  it('reads words, path score and speech frames; drops fillers and alternate-pronunciation marks', () => {
    expect(parseDecodeLog(ONE)).toEqual({
      words: ['i', 'to', 'status'],
      score: -32185,
      frames: 240,
      speechFrames: 9 + 15 + 58,
    });
  });

  it('a result that does not match the grammar is no words and no score', () => {
    const log = `INFO: fsg_search.c(853): 176 frames, 5942 HMMs (33/fr)\nERROR: "fsg_search.c", line 940: Final result does not match the grammar in frame 176\n`;
    expect(parseDecodeLog(log)).toEqual({
      words: [],
      score: undefined,
      frames: 176,
      speechFrames: 0,
    });
  });

  it('a file split into utterances is summed back into one', () => {
    const second = `INFO: fsg_search.c(853): 100 frames, 1 HMMs\nINFO: pocketsphinx.c(1168): 转 人工 (-1000)\nword start end pprob ascr lscr lback\n转    3     10    1.000 -10 0 1\n人工  11    20    1.000 -10 0 1\n`;
    const r = parseDecodeLog(ONE + second);
    expect(r.words).toEqual(['i', 'to', 'status', '转', '人工']);
    expect(r.score).toBe(-33185);
    expect(r.frames).toBe(340);
  });
});
