import { HotlineError } from '../../lib/errors.js';
import type { PronunciationDictionary } from './dictionary.js';

/**
 * Turns a phrase as an IVR author writes it into the dictionary words a grammar may use. Anything
 * the engine could not say is a SPEECH_GRAMMAR_INVALID at grammar build time, naming the phrase,
 * rather than a grammar that silently never matches on a live call.
 */
export function phraseWords(
  language: 'en' | 'zh',
  phrase: string,
  dict: PronunciationDictionary,
): string[] {
  const words = language === 'en' ? englishWords(phrase, dict) : mandarinWords(phrase, dict);
  if (words.length === 0) throw invalid(`phrase "${phrase}" has no words`, phrase);
  return words;
}

/** Lowercase, punctuation stripped (apostrophes inside words kept: "i'd"), every word known. */
export function englishWords(phrase: string, dict: PronunciationDictionary): string[] {
  const words = phrase
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^a-z0-9'\s-]/g, ' ')
    .split(/[\s-]+/)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w.length > 0);
  for (const w of words)
    if (!dict.has(w))
      throw invalid(
        `word "${w}" in phrase "${phrase}" is not in the English dictionary`,
        phrase,
        w,
      );
  return words;
}

/**
 * Greedy longest match against the dictionary, chunk by chunk (spaces the author wrote are kept as
 * boundaries); a run no word covers falls back to single characters, and a character the
 * dictionary lacks is an error.
 */
export function mandarinWords(phrase: string, dict: PronunciationDictionary): string[] {
  const words: string[] = [];
  const chunks = phrase
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .split(/\s+/)
    .filter((c) => c.length > 0);
  for (const chunk of chunks) {
    const chars = [...chunk];
    let i = 0;
    while (i < chars.length) {
      let taken = 0;
      for (let len = Math.min(dict.longestWord, chars.length - i); len >= 1; len--) {
        if (dict.has(chars.slice(i, i + len).join(''))) {
          taken = len;
          break;
        }
      }
      const ch = chars[i] ?? '';
      if (taken === 0)
        throw invalid(
          `character "${ch}" in phrase "${phrase}" is not in the Mandarin dictionary`,
          phrase,
          ch,
        );
      words.push(chars.slice(i, i + taken).join(''));
      i += taken;
    }
  }
  return words;
}

function invalid(message: string, phrase: string, word?: string): HotlineError {
  return new HotlineError('SPEECH_GRAMMAR_INVALID', `[speech] ${message}`, {
    details: word === undefined ? { phrase } : { phrase, word },
  });
}
