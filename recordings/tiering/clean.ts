import { location, sidecarKey, type RecordingEntry, type Tier } from '../catalogue/entry.js';
import type { RecordingsDeps } from '../deps.js';

/**
 * Deletes the copies a committed move left behind (object first, then its sidecar), then clears
 * the mark. The live copy is never among them, whatever the mark says.
 */
export async function cleanStale(
  deps: RecordingsDeps,
  entry: RecordingEntry,
): Promise<RecordingEntry> {
  const stale = entry.stale ?? [];
  if (stale.length === 0) return entry;
  for (const loc of stale) {
    if (loc === location(entry)) continue;
    const [tier, ...rest] = loc.split(':');
    const store = deps.tiers[tier as Tier] as RecordingsDeps['tiers'][Tier] | undefined;
    const key = rest.join(':');
    if (!store || !key) continue;
    await store.delete(key);
    await deps.step?.('source-deleted', entry.id);
    await store.delete(sidecarKey(key));
  }
  const clean: RecordingEntry = { ...entry, stale: [], updatedAt: deps.now().toISOString() };
  delete clean.stale;
  await deps.catalogue.put(clean);
  await deps.step?.('cleaned', entry.id);
  return clean;
}
