import { readFile } from 'node:fs/promises';
import { HotlineError } from '../../lib/errors.js';

/**
 * A pocketsphinx pronunciation dictionary (`word PHONES`, alternates as `word(2) PHONES`). Loaded
 * once per file by whoever owns a DictionaryCache; grammars only ever ask which words exist and
 * copy their lines into a small per-grammar dictionary (the engine then starts in 40 ms, not 240).
 */
export interface PronunciationDictionary {
  readonly path: string;
  has(word: string): boolean;
  /** Phone strings, first the main pronunciation then the alternates; empty when unknown. */
  pronunciations(word: string): readonly string[];
  /** The longest headword in characters (code points), for longest-match segmentation. */
  readonly longestWord: number;
  /** Every phone the dictionary uses, sorted (the phone loop's vocabulary). */
  readonly phones: readonly string[];
}

const ALTERNATE = /\(\d+\)$/;

export function parseDictionary(path: string, text: string): PronunciationDictionary {
  const entries = new Map<string, string[]>();
  let longestWord = 0;
  const phones = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(.+?)\s*$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const word = m[1].replace(ALTERNATE, '');
    for (const ph of m[2].split(/\s+/)) phones.add(ph);
    const list = entries.get(word);
    if (list) list.push(m[2]);
    else {
      entries.set(word, [m[2]]);
      longestWord = Math.max(longestWord, [...word].length);
    }
  }
  return {
    path,
    longestWord,
    phones: [...phones].sort(),
    has: (word) => entries.has(word),
    pronunciations: (word) => entries.get(word) ?? [],
  };
}

/** Loads each dictionary file once, however many grammars and calls ask for it. */
export class DictionaryCache {
  readonly #loaded = new Map<string, Promise<PronunciationDictionary>>();

  get(path: string): Promise<PronunciationDictionary> {
    let dict = this.#loaded.get(path);
    if (!dict) {
      dict = readFile(path, 'utf8').then(
        (text) => parseDictionary(path, text),
        (err: unknown) => {
          this.#loaded.delete(path); // a later call may find the file installed
          throw new HotlineError('SPEECH_FAILED', `[speech] cannot read dictionary ${path}`, {
            cause: err,
            details: { path },
          });
        },
      );
      this.#loaded.set(path, dict);
    }
    return dict;
  }
}
