import { sidecarKey, type RecordingEntry } from '../catalogue/entry.js';
import type { RecordingsDeps } from '../deps.js';
import { cleanStale } from './clean.js';

/**
 * Deletes a recording at the end of its retention (or when its caller asked for erasure): marked
 * as deleting in the catalogue first (so a crash resumes the deletion rather than forgetting it),
 * then the object, then its sidecar (a sidecar without its object is ignored by a rebuild), then
 * the catalogue entry. A recording on legal hold is never deleted.
 */
export async function expire(
  deps: RecordingsDeps,
  entry: RecordingEntry,
  why: 'retention' | 'erasure' = 'retention',
): Promise<'deleted' | 'held'> {
  if (entry.legalHold && !entry.deleting) return 'held';
  let e = entry;
  if (!e.deleting) {
    e = { ...e, deleting: true, updatedAt: deps.now().toISOString() };
    await deps.catalogue.put(e);
    await deps.step?.('marked', e.id);
  }
  e = await cleanStale(deps, e);
  const store = deps.tiers[e.tier];
  await store.delete(e.key);
  await deps.step?.('object-deleted', e.id);
  await store.delete(sidecarKey(e.key));
  await deps.catalogue.remove(e.id);
  await deps.step?.('removed', e.id);
  await deps.catalogue.count(why === 'erasure' ? 'erased' : 'deleted');
  deps.log.info(
    { recording: e.id, tier: e.tier },
    why === 'erasure'
      ? 'recording deleted: its caller asked for erasure'
      : 'recording deleted at the end of its retention',
  );
  return 'deleted';
}
