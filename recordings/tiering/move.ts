import { HotlineError } from '../../lib/errors.js';
import { decodedDurationMs, toOpus } from '../audio/transcode.js';
import {
  location,
  objectKey,
  sidecarKey,
  sidecarOf,
  type RecordingEntry,
  type Tier,
} from '../catalogue/entry.js';
import { encryptStream } from '../crypto/segments.js';
import type { RecordingsDeps } from '../deps.js';
import { openCopy } from '../read.js';
import { hashing } from '../util/hash-stream.js';
import { through } from '../util/through.js';
import { assertCopy, checkCopy } from '../verify-copy.js';
import { cleanStale } from './clean.js';
import { ignored } from '../../lib/settle.js';

/** Decoded audio may differ from the original by at most this much (codec framing). */
export const DURATION_TOLERANCE_MS = 50;

/**
 * Moves a recording one tier on, in the order that loses nothing whenever the process dies:
 * copy → verify the copy → write its sidecar → commit the catalogue → delete the source. Hot to
 * warm compresses to Opus (verified by decrypting it whole and by its decoded duration); warm to
 * cold copies the encrypted object byte for byte (verified by reading it back whole). Before the
 * commit the catalogue still names the source, so a rerun copies again; after it, the source is a
 * stale copy that the next run deletes.
 */
export async function moveOn(
  deps: RecordingsDeps,
  entry: RecordingEntry,
  to: Tier,
): Promise<RecordingEntry> {
  const src = deps.tiers[entry.tier];
  const dst = deps.tiers[to];
  const compress = entry.format === 'wav';
  const format = compress ? 'opus' : entry.format;
  const key = objectKey(entry, format);
  const opts = { timeoutMs: deps.stepTimeoutMs };
  let sha256 = entry.sha256;
  let size = entry.size;
  let stored;
  if (compress) {
    const dataKey = deps.keyring.unwrap(entry.dataKey, entry.id);
    const h = hashing();
    stored = await dst.put(
      key,
      through(
        toOpus(await openCopy(deps, entry), { ...opts, bitrateKbps: deps.bitrateKbps }),
        h.stream,
        encryptStream(dataKey),
      ),
    );
    ({ sha256, size } = h.result());
  } else {
    stored = await dst.put(key, await src.get(entry.key));
    if (stored.size !== entry.storedSize)
      throw new HotlineError(
        'RECORDING_CORRUPT',
        `[recordings] ${entry.id}: ${to} copy is ${stored.size} bytes, not ${entry.storedSize}`,
      );
  }
  await deps.step?.('copied', entry.id);
  const moved: RecordingEntry = {
    ...entry,
    tier: to,
    key,
    format,
    sha256,
    size,
    storedSize: stored.size,
    stale: [location(entry)],
    updatedAt: deps.now().toISOString(),
  };
  try {
    assertCopy(await checkCopy(deps, moved), moved);
    if (compress) {
      const ms = await decodedDurationMs(await openCopy(deps, moved), { ...opts, format: 'ogg' });
      if (Math.abs(ms - entry.original.durationMs) > DURATION_TOLERANCE_MS) {
        throw new HotlineError(
          'RECORDING_CORRUPT',
          `[recordings] ${entry.id}: compressed copy lasts ${ms} ms, the original ${entry.original.durationMs} ms`,
        );
      }
    }
  } catch (err) {
    // A copy that failed its check is removed; the source stays the live copy.
    await dst.delete(key).catch(ignored(deps.log, 'removing a copy that failed its check'));
    throw err;
  }
  await deps.step?.('verified', entry.id);
  await dst.put(sidecarKey(key), sidecarOf(moved));
  await deps.step?.('sidecar', entry.id);
  await deps.catalogue.put(moved);
  await deps.step?.('committed', entry.id);
  await deps.catalogue.count(`moved:${to}`);
  deps.log.info(
    { recording: entry.id, from: entry.tier, to, bytes: stored.size },
    'recording moved',
  );
  return cleanStale(deps, moved);
}
