import { HotlineError, isHotlineError } from '../lib/errors.js';
import type { RecordingEntry } from './catalogue/entry.js';
import type { RecordingsDeps } from './deps.js';
import { openCopy } from './read.js';
import { hashing } from './util/hash-stream.js';
import { through } from './util/through.js';

export interface CopyCheck {
  ok: boolean;
  /** Stable code of what is wrong (RECORDING_CORRUPT, STORAGE_NOT_FOUND, RECORDING_KEY_MISMATCH...). */
  code?: string | undefined;
  reason?: string | undefined;
}

/**
 * Reads a copy back whole: every segment's integrity tag is checked while decrypting, and the
 * plain audio's SHA-256 and size must be the catalogue's.
 */
export async function checkCopy(
  deps: Pick<RecordingsDeps, 'tiers' | 'keyring'>,
  entry: RecordingEntry,
): Promise<CopyCheck> {
  try {
    const h = hashing();
    for await (const chunk of through(await openCopy(deps, entry), h.stream)) void chunk;
    const got = h.result();
    if (got.size !== entry.size || got.sha256 !== entry.sha256) {
      return {
        ok: false,
        code: 'RECORDING_CORRUPT',
        reason: `checksum mismatch on ${entry.tier} (${got.size} bytes, sha256 ${got.sha256.slice(0, 12)}…)`,
      };
    }
    return { ok: true };
  } catch (err) {
    if (isHotlineError(err)) return { ok: false, code: err.code, reason: err.message };
    return { ok: false, code: 'STORAGE_FAILED', reason: String(err) };
  }
}

export function assertCopy(check: CopyCheck, entry: RecordingEntry): void {
  if (!check.ok)
    throw new HotlineError(
      check.code === 'STORAGE_UNAVAILABLE' ? 'STORAGE_UNAVAILABLE' : 'RECORDING_CORRUPT',
      `[recordings] ${entry.id}: ${check.reason ?? 'copy failed its check'}`,
    );
}
