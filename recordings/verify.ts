import type { RecordingsDeps } from './deps.js';
import { checkCopy } from './verify-copy.js';

export interface VerifySummary {
  checked: number;
  ok: number;
  failed: { id: string; tier: string; code: string; reason: string }[];
  bytes: number;
  ms: number;
}

/** Reads every catalogued recording back whole from its tier: decrypted, tag-checked, hashed. */
export async function verifyAll(deps: RecordingsDeps, onProgress?: (done: number, total: number) => void): Promise<VerifySummary> {
  const started = Date.now();
  const counts = await deps.catalogue.counts();
  const total = counts.hot + counts.warm + counts.cold;
  const out: VerifySummary = { checked: 0, ok: 0, failed: [], bytes: 0, ms: 0 };
  let after = 0;
  const seen = new Set<string>();
  for (;;) {
    const page = await deps.catalogue.all(after, 500);
    const fresh = page.ids.filter((id) => !seen.has(id));
    for (const id of fresh) {
      seen.add(id);
      const e = await deps.catalogue.get(id);
      if (!e) continue;
      const r = await checkCopy(deps, e);
      out.checked++;
      if (r.ok) {
        out.ok++;
        out.bytes += e.size;
      } else {
        out.failed.push({ id, tier: e.tier, code: r.code ?? 'RECORDING_CORRUPT', reason: r.reason ?? '' });
        await deps.catalogue.count(`verify-failed:${r.code ?? 'RECORDING_CORRUPT'}`);
      }
      onProgress?.(out.checked, total);
    }
    if (page.next === undefined) break;
    // Pages restart at the next start time: entries sharing it may come twice (skipped above).
    after = fresh.length === 0 ? page.next + 1 : page.next;
  }
  out.ms = Date.now() - started;
  return out;
}
