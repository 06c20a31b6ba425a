import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { execLoud } from './exec.js';
import type { FreeswitchLabPaths } from './paths.js';

/** The files of the source kit the build needs (freeswitch-root.sh checks them against SHA256SUMS). */
export const KIT_FILES = [
  'freeswitch-1.10.12.tar.xz',
  'sofia-sip-1.13.17.tar.xz',
  'spandsp-933d40d.tar.xz',
  'SHA256SUMS',
] as const;

/**
 * Whether this machine can have the FreeSWITCH lab: a finished root, a cached runtime, or the
 * source kit to build one from. A bare clone has none of them: the lab then runs without
 * FreeSWITCH and says so.
 */
export type FreeswitchAvailability =
  { available: true; from: 'root' | 'cache' | 'kit' } | { available: false; reason: string };

export function freeswitchAvailability(paths: FreeswitchLabPaths): FreeswitchAvailability {
  if (existsSync(join(paths.root, '.hotline-ready'))) return { available: true, from: 'root' };
  if (existsSync(paths.cache)) return { available: true, from: 'cache' };
  const missing = KIT_FILES.filter((f) => !existsSync(join(paths.sources, f)));
  if (missing.length === 0) return { available: true, from: 'kit' };
  return {
    available: false,
    reason: `FreeSWITCH kit not found at ${paths.sources} (missing ${missing.join(', ')}; set HOTLINE_FS_SOURCES)`,
  };
}

/**
 * The FreeSWITCH root: kept if finished, else restored from the cached runtime (seconds), else
 * built once from the kit (about 10 minutes on 2 cores) and cached. See freeswitch-root.sh.
 */
export async function ensureFreeswitchRoot(paths: FreeswitchLabPaths): Promise<void> {
  await execLoud('bash', [paths.script, 'ensure', paths.root, paths.cache, paths.sources], {
    timeoutMs: 45 * 60_000,
    env: { ...process.env, HOTLINE_FS_BUILD_LOG: join(paths.logs, 'freeswitch-build.log') },
  });
}
