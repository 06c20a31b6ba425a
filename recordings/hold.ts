import { HotlineError } from '../lib/errors.js';
import { sidecarKey, sidecarOf, type RecordingEntry } from './catalogue/entry.js';
import type { RecordingsDeps } from './deps.js';

/**
 * Puts a recording under legal hold (kept past its retention until released) or releases it. The
 * sidecar changes with the catalogue, so a rebuilt catalogue keeps the hold.
 */
export async function setLegalHold(
  deps: RecordingsDeps,
  id: string,
  hold: boolean,
): Promise<RecordingEntry> {
  const lock = await deps.catalogue.lock(id, deps.lockMs);
  if (!lock)
    throw new HotlineError(
      'RECORDING_BUSY',
      `[recordings] ${id} is being moved; try again shortly`,
    );
  try {
    const e = await deps.catalogue.get(id);
    if (!e) throw new HotlineError('RECORDING_NOT_FOUND', `[recordings] no recording ${id}`);
    if (e.deleting) throw new HotlineError('RECORDING_BUSY', `[recordings] ${id} is being deleted`);
    if (e.legalHold === hold) return e;
    const next: RecordingEntry = { ...e, legalHold: hold, updatedAt: deps.now().toISOString() };
    await deps.tiers[e.tier].put(sidecarKey(e.key), sidecarOf(next));
    await deps.catalogue.put(next);
    deps.log.info({ recording: id, legalHold: hold }, 'legal hold changed');
    return next;
  } finally {
    await lock.release();
  }
}
