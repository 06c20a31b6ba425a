import { everyId } from './catalogue/walk.js';
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
export async function verifyAll(
  deps: RecordingsDeps,
  onProgress?: (done: number, total: number) => void,
): Promise<VerifySummary> {
  const started = Date.now();
  const counts = await deps.catalogue.counts();
  const total = counts.hot + counts.warm + counts.cold;
  const out: VerifySummary = { checked: 0, ok: 0, failed: [], bytes: 0, ms: 0 };
  for await (const id of everyId(deps.catalogue)) {
    const e = await deps.catalogue.get(id);
    if (!e) continue;
    const r = await checkCopy(deps, e);
    out.checked++;
    if (r.ok) {
      out.ok++;
      out.bytes += e.size;
    } else {
      out.failed.push({
        id,
        tier: e.tier,
        code: r.code ?? 'RECORDING_CORRUPT',
        reason: r.reason ?? '',
      });
      await deps.catalogue.count(`verify-failed:${r.code ?? 'RECORDING_CORRUPT'}`);
    }
    onProgress?.(out.checked, total);
  }
  out.ms = Date.now() - started;
  return out;
}
