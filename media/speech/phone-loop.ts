import type { PronunciationDictionary } from './dictionary.js';

/**
 * "Any sequence of sounds": one pseudo-word per phone of the dictionary, looped. Decoding the same
 * audio with it gives the best score any speech could get, the yardstick for how well the intent
 * grammar fits (confidence.ts). Pseudo-words are named `ph_<phone>` and never reach callers.
 */
export function phoneLoop(dict: PronunciationDictionary): { jsgf: string; dictText: string } {
  const phones = dict.phones.filter((p) => /^[A-Za-z]+$/.test(p) && p.toUpperCase() !== 'SIL');
  const word = (p: string): string => `ph_${p.toLowerCase()}`;
  return {
    jsgf: `#JSGF V1.0;\ngrammar phones;\npublic <any> = <phone>+;\n<phone> = ${phones.map(word).join(' | ')};\n`,
    dictText: phones.map((p) => `${word(p)} ${p}\n`).join(''),
  };
}
