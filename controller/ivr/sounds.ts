import { sayFragments } from '../../media/say.js';
import type { Media } from '../media-server/types.js';
import { asList } from './check.js';
import type { Language, Sounds } from './schema.js';
import { render, type TemplateScope } from './template.js';

/** A flow's sounds as media for the server, in the call's current language. */
export function toMedia(sounds: Sounds | undefined, language: Language, scope: TemplateScope): Media[] {
  if (sounds === undefined) return [];
  return asList(sounds).flatMap((s): Media[] => {
    if (typeof s === 'string') return [{ type: 'prompt', id: s, language }];
    if ('prompt' in s) return [{ type: 'prompt', id: s.prompt, language }];
    if ('file' in s) return [{ type: 'file', path: s.file }];
    if ('tone' in s) return [{ type: 'tone', tone: s.tone, durationMs: 1000 }];
    return sayFragments(s.say, render(s.value, scope), language).map((id) => ({ type: 'prompt', id, language }));
  });
}
