import { sidecarKey, sidecarOf } from './catalogue/entry.js';
import { everyId } from './catalogue/walk.js';
import type { RecordingsDeps } from './deps.js';

export interface RotateSummary {
  rewrapped: number;
  current: number;
  busy: number;
  failed: { id: string; reason: string }[];
}

/**
 * Master-key rotation: every data key not wrapped by the current master key is unwrapped with its
 * old one and wrapped with the current one, in the sidecar and then the catalogue. The audio is
 * never read. Keep the old key configured until this reports nothing left to rewrap.
 */
export async function rotateKeys(
  deps: RecordingsDeps,
  onProgress?: (done: number) => void,
): Promise<RotateSummary> {
  const out: RotateSummary = { rewrapped: 0, current: 0, busy: 0, failed: [] };
  let done = 0;
  for await (const id of everyId(deps.catalogue)) {
    onProgress?.(++done);
    const lock = await deps.catalogue.lock(id, deps.lockMs);
    if (!lock) {
      out.busy++;
      continue;
    }
    try {
      const e = await deps.catalogue.get(id);
      if (!e) continue;
      if (deps.keyring.keyIdOf(e.dataKey) === deps.keyring.current) {
        out.current++;
        continue;
      }
      const next = {
        ...e,
        dataKey: deps.keyring.rewrap(e.dataKey, id),
        updatedAt: deps.now().toISOString(),
      };
      await deps.tiers[e.tier].put(sidecarKey(e.key), sidecarOf(next));
      await deps.catalogue.put(next);
      out.rewrapped++;
    } catch (err) {
      out.failed.push({ id, reason: err instanceof Error ? err.message : String(err) });
    } finally {
      await lock.release();
    }
  }
  return out;
}
