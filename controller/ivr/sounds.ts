import { sayFragments } from '../../media/say.js';
import type { Media } from '../media-server/types.js';
import type { CallContext } from '../session/context.js';
import { play } from '../session/verbs/play.js';
import { asList } from './check.js';
import type { FlowRun } from './run-state.js';
import type { Language, Sounds } from './schema.js';
import { render, type TemplateScope } from './template.js';

/** A flow's sounds as media for the server, in the call's current language. */
export function toMedia(
  sounds: Sounds | undefined,
  language: Language,
  scope: TemplateScope,
): Media[] {
  if (sounds === undefined) return [];
  return asList(sounds).flatMap((s): Media[] => {
    if (typeof s === 'string') return [{ type: 'prompt', id: s, language }];
    if ('prompt' in s) return [{ type: 'prompt', id: s.prompt, language }];
    if ('file' in s) return [{ type: 'file', path: s.file }];
    if ('tone' in s) return [{ type: 'tone', tone: s.tone, durationMs: 1000 }];
    return sayFragments(s.say, render(s.value, scope), language).map((id) => ({
      type: 'prompt',
      id,
      language,
    }));
  });
}

/**
 * How sounds are named in the call's timeline: prompts by id, said values as the flow writes them
 * (`say:digits:{{vars.card}}`), so a value the caller typed, or the caller's number, said back
 * never lands in the record.
 */
export function soundsLabel(...parts: (Sounds | undefined)[]): string {
  return parts
    .flatMap((s) => (s === undefined ? [] : asList(s)))
    .map((s) => {
      if (typeof s === 'string') return `prompt:${s}`;
      if ('prompt' in s) return `prompt:${s.prompt}`;
      if ('file' in s) return 'file';
      if ('tone' in s) return `tone:${s.tone}`;
      return `say:${s.say}:${s.value}`;
    })
    .join('+');
}

/** Plays a flow's sounds to the end, named in the timeline by `soundsLabel`. */
export async function playSounds(
  call: CallContext,
  run: FlowRun,
  sounds: Sounds,
  maxMs: number,
): Promise<void> {
  await play(call, toMedia(sounds, run.language, run.scope()), {
    maxMs,
    label: soundsLabel(sounds),
  });
}
