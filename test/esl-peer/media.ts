import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { readWavInfo } from './wav.js';
import type { ModelOptions } from './world.js';

/**
 * How long a media path plays (there is no audio: only time passes).
 * - `file_string://a!b!c` (mod_dptools file_string format): the parts in turn; a missing part is
 *   skipped, all missing is FILE NOT FOUND;
 * - `tone_stream://…;loops=N`: `toneMs` per loop (loops=-1: until stopped);
 * - `silence_stream://N`: N ms (N <= 0: until stopped);
 * - `local_stream://…`: until stopped (music on hold);
 * - a file path (relative ones under `soundPrefix`): must exist, else FILE NOT FOUND
 *   (switch_ivr_play_file returns SWITCH_STATUS_NOTFOUND); a .wav lasts what its RIFF header says,
 *   any other existing file 1000 ms;
 * - anything else (say:, http://, …): 1000 ms.
 * `mediaMs(path)` overrides all of this when it returns a number.
 */
export type MediaInfo =
  | { kind: 'timed'; ms: number; fileType?: string }
  | { kind: 'endless'; fileType?: string }
  | { kind: 'notfound' };

export function resolveMedia(path: string, opts: ModelOptions): MediaInfo {
  const override = opts.mediaMs?.(path);
  const fileType = path.startsWith('tone_stream:')
    ? 'tone_stream'
    : path.startsWith('local_stream:')
      ? 'local_stream'
      : undefined;
  const typed = (info: MediaInfo): MediaInfo =>
    fileType && info.kind !== 'notfound' ? { ...info, fileType } : info;
  if (override !== undefined)
    return typed(override < 0 ? { kind: 'endless' } : { kind: 'timed', ms: override });
  if (path.startsWith('file_string://')) {
    const parts = path
      .slice('file_string://'.length)
      .split('!')
      .map((p) => resolveMedia(p, opts));
    const found = parts.filter((p) => p.kind !== 'notfound');
    if (!found.length) return { kind: 'notfound' };
    if (found.some((p) => p.kind === 'endless')) return { kind: 'endless' };
    return {
      kind: 'timed',
      ms: found.reduce((sum, p) => sum + (p.kind === 'timed' ? p.ms : 0), 0),
    };
  }
  if (path.startsWith('tone_stream://')) {
    const loops = /loops=(-?\d+)/.exec(path);
    const n = loops ? Number(loops[1]) : 1;
    return typed(n < 0 ? { kind: 'endless' } : { kind: 'timed', ms: opts.toneMs * Math.max(1, n) });
  }
  if (path.startsWith('silence_stream://')) {
    const ms = Number.parseInt(path.slice('silence_stream://'.length), 10);
    return Number.isFinite(ms) && ms > 0 ? { kind: 'timed', ms } : { kind: 'endless' };
  }
  if (path.startsWith('local_stream://')) return typed({ kind: 'endless' });
  if (/^[a-z_]+:\/\//i.test(path) || /^(say|phrase|speak):/.test(path))
    return { kind: 'timed', ms: 1000 };
  const file = isAbsolute(path) || !opts.soundPrefix ? path : join(opts.soundPrefix, path);
  if (!existsSync(file)) return { kind: 'notfound' };
  if (file.toLowerCase().endsWith('.wav')) {
    const info = readWavInfo(file);
    return { kind: 'timed', ms: info ? Math.round(info.durationMs) : 1000 };
  }
  return { kind: 'timed', ms: 1000 };
}
