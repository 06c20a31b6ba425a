import { buffer } from 'node:stream/consumers';
import type { RecordingsDeps } from '../deps.js';
import { rank } from '../tiering/policy.js';
import { isSidecar, location, parseSidecar, TIERS, type RecordingEntry } from './entry.js';

export interface RebuildSummary {
  /** Recordings found in storage and written to the catalogue. */
  restored: number;
  /** Extra copies found (a move that stopped before deleting its source): marked stale. */
  duplicates: number;
  /** Sidecars whose object is missing or of the wrong size: ignored. */
  orphans: string[];
  /** Sidecars that do not parse. */
  unreadable: string[];
}

/**
 * Recreates the catalogue from storage alone: every tier is listed, every sidecar read, and each
 * recording's furthest verified copy becomes its entry (a sidecar is written only after its copy
 * was verified). Earlier copies become stale copies for the next tiering run to delete.
 */
export async function rebuildCatalogue(
  deps: RecordingsDeps,
  onProgress?: (found: number) => void,
): Promise<RebuildSummary> {
  const out: RebuildSummary = { restored: 0, duplicates: 0, orphans: [], unreadable: [] };
  const copies = new Map<string, RecordingEntry[]>();
  let found = 0;
  for (const tier of TIERS) {
    const store = deps.tiers[tier];
    for await (const o of store.list()) {
      if (!isSidecar(o.key)) continue;
      const key = o.key.slice(0, -'.meta.json'.length);
      const sidecar = parseSidecar(await buffer(await store.get(o.key)));
      if (!sidecar) {
        out.unreadable.push(`${tier}:${o.key}`);
        continue;
      }
      const object = await store.head(key);
      if (!object || object.size !== sidecar.storedSize) {
        out.orphans.push(`${tier}:${key}`);
        continue;
      }
      // Where the copy was found is the truth, whatever the sidecar was written as.
      const entry: RecordingEntry = { ...sidecar, tier, key };
      copies.set(entry.id, [...(copies.get(entry.id) ?? []), entry]);
      onProgress?.(++found);
    }
  }
  for (const list of copies.values()) {
    list.sort((a, b) => rank(b.tier) - rank(a.tier));
    const [best, ...rest] = list as [RecordingEntry, ...RecordingEntry[]];
    const entry: RecordingEntry = rest.length ? { ...best, stale: rest.map(location) } : best;
    out.duplicates += rest.length;
    await deps.catalogue.put(entry);
    out.restored++;
  }
  deps.log.info(
    { restored: out.restored, duplicates: out.duplicates, orphans: out.orphans.length },
    'catalogue rebuilt from storage',
  );
  return out;
}
