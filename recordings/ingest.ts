import { createReadStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { HotlineError } from '../lib/errors.js';
import { maskNumber } from '../lib/mask.js';
import { readWavInfo } from './audio/wav.js';
import {
  objectKey,
  sidecarKey,
  sidecarOf,
  type PendingCapture,
  type RecordingEntry,
} from './catalogue/entry.js';
import { callerHash, Keyring } from './crypto/keyring.js';
import { encryptStream } from './crypto/segments.js';
import { DAY_MS, type RecordingsDeps } from './deps.js';
import { hashing } from './util/hash-stream.js';
import { through } from './util/through.js';
import { assertCopy, checkCopy } from './verify-copy.js';
import { ignored } from '../lib/settle.js';

/**
 * Takes a finished recording from the media server's folder into the hot tier: encrypted under a
 * fresh data key while it is hashed, read back and checked, its sidecar written, catalogued, and
 * only then the plain file removed and the pending mark cleared. Run again after a crash at any
 * point, it ends in the same state.
 */
export async function ingest(deps: RecordingsDeps, p: PendingCapture): Promise<RecordingEntry> {
  const existing = await deps.catalogue.get(p.id);
  if (existing) {
    await unlink(p.file).catch(
      ignored(deps.log, 'removing the plain file of a recording already stored'),
    );
    await deps.catalogue.removePending(p.id);
    return existing;
  }
  const wav = await readWavInfo(p.file);
  const now = deps.now();
  const dataKey = Keyring.dataKey();
  const startedAt = p.startedAt;
  const key = objectKey({ id: p.id, startedAt }, 'wav');
  const h = hashing();
  const stored = await deps.tiers.hot.put(
    key,
    through(createReadStream(p.file), h.stream, encryptStream(dataKey)),
  );
  const { sha256, size } = h.result();
  const entry: RecordingEntry = {
    id: p.id,
    callId: p.callId,
    number: p.number,
    callerMasked: maskNumber(p.callerNumber),
    callerHash: callerHash(deps.callerHashSecret, p.callerNumber),
    ...(p.agentId === undefined ? {} : { agentId: p.agentId }),
    ...(p.queue === undefined ? {} : { queue: p.queue }),
    startedAt,
    endedAt: p.endedAt ?? new Date(Date.parse(startedAt) + wav.durationMs).toISOString(),
    durationMs: wav.durationMs,
    original: { format: 'wav', size, sha256, durationMs: wav.durationMs },
    tier: 'hot',
    key,
    format: 'wav',
    size,
    sha256,
    storedSize: stored.size,
    dataKey: deps.keyring.wrap(dataKey, p.id),
    retainUntil: new Date(Date.parse(startedAt) + deps.policy.retentionDays * DAY_MS).toISOString(),
    legalHold: false,
    updatedAt: now.toISOString(),
  };
  assertCopy(await checkCopy(deps, entry), entry);
  await deps.step?.('ingest-stored', p.id);
  await deps.tiers.hot.put(sidecarKey(key), sidecarOf(entry));
  await deps.catalogue.put(entry);
  await deps.step?.('ingest-catalogued', p.id);
  await unlink(p.file).catch((err: unknown) =>
    deps.log.warn({ err, recording: p.id }, 'plain recording file not removed'),
  );
  await deps.catalogue.removePending(p.id);
  await deps.catalogue.count('ingested');
  deps.log.info(
    { recording: p.id, call: p.callId, durationMs: wav.durationMs, bytes: size },
    'recording stored (hot)',
  );
  return entry;
}

/**
 * Recordings left pending by a controller that stopped or crashed: ingested once their file has
 * been quiet for `quietMs` (the media server finished writing it). A file that never appears is
 * given up after `giveUpMs`, loudly.
 */
export async function ingestPending(
  deps: RecordingsDeps,
  opts: { quietMs: number; giveUpMs: number; skip?: ReadonlySet<string> },
): Promise<{ ingested: number; failed: number; lost: number }> {
  const out = { ingested: 0, failed: 0, lost: 0 };
  const now = deps.now().getTime();
  for (const p of await deps.catalogue.listPending()) {
    // Still being recorded here or by another controller (whose lease is fresh).
    if (opts.skip?.has(p.id) || (await deps.catalogue.isLive(p.id))) continue;
    const file = await stat(p.file).catch(
      ignored(deps.log, 'looking for the file of a pending recording'),
    );
    if (!file) {
      if (await deps.catalogue.get(p.id)) {
        await deps.catalogue.removePending(p.id);
      } else if (now - Date.parse(p.startedAt) > opts.giveUpMs) {
        deps.log.error(
          { recording: p.id, call: p.callId },
          'recording file never appeared; giving up on it',
        );
        await deps.catalogue.count('lost');
        await deps.catalogue.removePending(p.id);
        out.lost++;
      }
      continue;
    }
    if (Date.now() - file.mtimeMs < opts.quietMs) continue;
    try {
      await ingest(deps, p);
      out.ingested++;
    } catch (err) {
      out.failed++;
      await deps.catalogue.count(`failed:${err instanceof HotlineError ? err.code : 'UNKNOWN'}`);
      deps.log.warn({ err, recording: p.id }, 'pending recording not stored; will retry');
    }
  }
  return out;
}
