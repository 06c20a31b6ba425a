import { HotlineError } from '../../lib/errors.js';
import { CARRIERS } from './carriers.js';
import type { PronunciationDictionary } from './dictionary.js';
import type { Intent } from './types.js';
import { phraseWords } from './words.js';

/**
 * A JSGF grammar for one speech menu node, and the way back from what the engine heard to the
 * intent. One sentence shape feeds both, so they cannot drift apart:
 *
 *   request = [greeting] [lead [determiner]] (intent_0 | intent_1 | ...) [tail]
 *
 * A determiner only after a lead ("I want a refund"): on its own, "the" in front of a bare phrase
 * swallowed the first syllable of "billing" (→ "the return") on the test corpus. A closed grammar
 * always finds some intent; off-topic speech is rejected by the confidence (confidence.ts).
 */
export interface Grammar {
  readonly language: 'en' | 'zh';
  readonly jsgf: string;
  /** Every dictionary word the grammar uses (for the small per-grammar dictionary). */
  readonly words: readonly string[];
  /** The intent a recognised word sequence expresses, or undefined (empty, no parse). */
  intentOf(text: string): string | undefined;
}

export function buildGrammar(
  language: 'en' | 'zh',
  intentList: readonly Intent[],
  dict: PronunciationDictionary,
): Grammar {
  if (intentList.length === 0) throw invalid('a speech grammar needs at least one intent', {});
  const carriers = CARRIERS[language];
  const words = (phrase: string): string => phraseWords(language, phrase, dict).join(' ');

  const owner = new Map<string, string>();
  const seenIds = new Set<string>();
  const intents = intentList.map((intent) => {
    if (seenIds.has(intent.id))
      throw invalid(`intent "${intent.id}" appears twice`, { intent: intent.id });
    seenIds.add(intent.id);
    if (intent.phrases.length === 0)
      throw invalid(`intent "${intent.id}" has no phrases`, { intent: intent.id });
    const alternatives = unique(intent.phrases.map(words));
    for (const alt of alternatives) {
      const other = owner.get(alt);
      if (other !== undefined && other !== intent.id)
        throw invalid(`"${alt}" is a phrase of both "${other}" and "${intent.id}"`, {
          phrase: alt,
        });
      owner.set(alt, intent.id);
    }
    return { id: intent.id, alternatives };
  });
  const greetings = unique(carriers.greetings.map(words));
  const leads = unique(carriers.leads.map(words));
  const determiners = unique(carriers.determiners.map(words));
  const tails = unique(carriers.tails.map(words));

  const alt = (list: readonly string[]): string => list.join(' | ');
  const leadRule = leads.length ? `[<lead>${determiners.length ? ' [<det>]' : ''}] ` : '';
  const lines = [
    '#JSGF V1.0;',
    'grammar hotline;',
    `public <request> = ${greetings.length ? '[<greet>] ' : ''}${leadRule}<intent>${tails.length ? ' [<tail>]' : ''};`,
    ...(greetings.length ? [`<greet> = ${alt(greetings)};`] : []),
    ...(leads.length ? [`<lead> = ${alt(leads)};`] : []),
    ...(determiners.length ? [`<det> = ${alt(determiners)};`] : []),
    ...(tails.length ? [`<tail> = ${alt(tails)};`] : []),
    `<intent> = ${intents.map((_, n) => `<i${String(n)}>`).join(' | ')};`,
    ...intents.map((intent, n) => `<i${String(n)}> = ${alt(intent.alternatives)};`),
  ];

  const group = (list: readonly string[]): string => `(?:${list.map(escape).join('|')})`;
  const parser = new RegExp(
    '^' +
      (greetings.length ? `(?:${group(greetings)} )?` : '') +
      (leads.length
        ? `(?:${group(leads)} ${determiners.length ? `(?:${group(determiners)} )?` : ''})?`
        : '') +
      `(?:${intents.map((i) => `(${i.alternatives.map(escape).join('|')})`).join('|')})` +
      (tails.length ? `(?: ${group(tails)})?` : '') +
      '$',
  );

  return {
    language,
    jsgf: lines.join('\n') + '\n',
    words: unique(
      [greetings, leads, determiners, tails, intents.flatMap((i) => i.alternatives)]
        .flat()
        .flatMap((p) => p.split(' ')),
    ),
    intentOf(text) {
      const m = parser.exec(text.trim().split(/\s+/).join(' '));
      if (!m) return undefined;
      return intents[m.slice(1).findIndex((g) => g !== undefined)]?.id;
    },
  };
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function invalid(message: string, details: Record<string, unknown>): HotlineError {
  return new HotlineError('SPEECH_GRAMMAR_INVALID', `[speech] ${message}`, { details });
}
