import { isHotlineError } from '../lib/errors.js';
import { callerHash } from './crypto/keyring.js';
import type { RecordingsDeps } from './deps.js';
import { expire } from './tiering/expire.js';

export interface ErasedRecordings {
  /** Deleted (or, in a dry run, to be deleted). */
  deleted: string[];
  /** On legal hold: kept; release the hold first if the erasure stands. */
  held: string[];
  /** Being moved or deleted by a worker right now: run the erasure again shortly. */
  busy: string[];
  /** Still being recorded or not yet stored: run the erasure again once they are. */
  pending: string[];
  failed: { id: string; code: string; message: string }[];
}

/**
 * A caller's recordings deleted on their request, found by the caller's keyed hash and deleted
 * the way retention deletes them (`expire`: marked, object, sidecar, entry; a crash resumes it).
 * Recordings on legal hold are kept and reported; so are those a worker holds at the moment and
 * those not stored yet. The audit trail of who listened stays (it names no caller).
 */
export async function eraseCallerRecordings(
  deps: RecordingsDeps,
  hashes: readonly string[],
  opts: { dryRun?: boolean } = {},
): Promise<ErasedRecordings> {
  const out: ErasedRecordings = { deleted: [], held: [], busy: [], pending: [], failed: [] };
  const wanted = new Set(hashes);
  for (const p of await deps.catalogue.listPending()) {
    if (wanted.has(callerHash(deps.callerHashSecret, p.callerNumber))) out.pending.push(p.id);
  }
  const found = new Map<string, true>();
  for (const h of wanted)
    for (const e of await deps.catalogue.search({ callerHash: h, limit: 1_000_000 }))
      found.set(e.id, true);
  for (const id of found.keys()) {
    const lock = await deps.catalogue.lock(id, deps.lockMs);
    if (!lock) {
      out.busy.push(id);
      continue;
    }
    try {
      // Read again under the lock: a worker may have moved or deleted it meanwhile.
      const e = await deps.catalogue.get(id);
      if (!e) continue;
      if (e.legalHold && !e.deleting) out.held.push(id);
      else if (opts.dryRun) out.deleted.push(id);
      else if ((await expire(deps, e, 'erasure')) === 'deleted') out.deleted.push(id);
      else out.held.push(id);
    } catch (err) {
      out.failed.push({
        id,
        code: isHotlineError(err) ? err.code : 'UNKNOWN',
        message: err instanceof Error ? err.message : String(err),
      });
    } finally {
      await lock.release().catch(() => undefined);
    }
  }
  return out;
}
