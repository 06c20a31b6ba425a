import type { PromptEntry } from '../../media/prompts.js';
import type { Language } from './schema.js';

/** Prompt ids per language, for checking that every prompt a flow names exists. */
export function indexPrompts(entries: readonly PromptEntry[]): Map<Language, Set<string>> {
  const index = new Map<Language, Set<string>>([
    ['en', new Set()],
    ['zh', new Set()],
  ]);
  for (const e of entries) index.get(e.language)?.add(e.id);
  return index;
}
