import { readFileSync } from 'node:fs';
import { buffer } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { isHotlineError } from '../lib/errors.js';
import { memoryRecordings, masterKey, WavFactory } from '../test/fakes/recordings.js';
import { decodedDurationMs } from './audio/transcode.js';
import { MemoryCatalogue } from './catalogue/memory.js';
import { sidecarKey } from './catalogue/entry.js';
import { rebuildCatalogue } from './catalogue/rebuild.js';
import { Keyring } from './crypto/keyring.js';
import { openRecording } from './access.js';
import { setLegalHold } from './hold.js';
import { ingest } from './ingest.js';
import { openCopy } from './read.js';
import { rotateKeys } from './rotate.js';
import { runTiering } from './tiering/run.js';
import { verifyAll } from './verify.js';

const wavs = new WavFactory();
afterAll(() => wavs.close());

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return isHotlineError(err) ? err.code : `untyped: ${String(err)}`;
  }
}

describe('recording lifecycle on memory storage (real crypto, real ffmpeg)', () => {
  it('ingests encrypted, then moves hot → warm → cold → deleted on the policy days', async () => {
    const d = memoryRecordings();
    const p = wavs.pending(d.clock, 4);
    const original = readFileSync(p.file);
    const e = await ingest(d, p);
    expect(e).toMatchObject({
      tier: 'hot',
      format: 'wav',
      size: original.length,
      callerMasked: '138****8000',
      durationMs: 4000,
    });
    expect(e.callerHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(e)).not.toContain('13800138000');
    const stored = d.tiers.hot as ReturnType<typeof import('./storage/memory.js').memoryStorage>;
    const cipher = stored.objects.get(e.key)?.data;
    expect(cipher?.subarray(0, 4).toString()).toBe('HLR1');
    expect(cipher?.includes(original.subarray(44, 120))).toBe(false);
    expect((await buffer(await openCopy(d, e))).equals(original)).toBe(true);

    d.clock.days(6);
    expect((await runTiering(d)).planned).toBe(0);
    d.clock.days(2);
    const s1 = await runTiering(d);
    expect(s1.moved.warm).toBe(1);
    const warm = await d.catalogue.get(e.id);
    expect(warm).toMatchObject({ tier: 'warm', format: 'opus' });
    expect(warm?.stale ?? []).toEqual([]);
    expect(await d.tiers.hot.head(e.key)).toBeUndefined();
    expect(await d.tiers.hot.head(sidecarKey(e.key))).toBeUndefined();
    const warmAudio = await buffer(await openCopy(d, warm!));
    expect(warmAudio.subarray(0, 4).toString()).toBe('OggS');
    expect(warmAudio.length).toBeLessThan(original.length / 4);
    const ms = await decodedDurationMs(await openCopy(d, warm!), {
      timeoutMs: 10_000,
      format: 'ogg',
    });
    expect(Math.abs(ms - 4000)).toBeLessThanOrEqual(50);

    d.clock.days(23);
    expect((await runTiering(d)).moved.cold).toBe(1);
    const cold = await d.catalogue.get(e.id);
    expect(cold).toMatchObject({ tier: 'cold', format: 'opus', sha256: warm!.sha256 });
    expect((await buffer(await openCopy(d, cold!))).equals(warmAudio)).toBe(true);

    d.clock.days(150);
    const s3 = await runTiering(d);
    expect(s3.deleted).toBe(1);
    expect(await d.catalogue.get(e.id)).toBeUndefined();
    expect(await d.tiers.cold.head(cold!.key)).toBeUndefined();
    expect(await d.tiers.cold.head(sidecarKey(cold!.key))).toBeUndefined();
  }, 60_000);

  it('skips straight through tiers when the worker was off, and keeps a recording on legal hold', async () => {
    const d = memoryRecordings();
    const a = await ingest(d, wavs.pending(d.clock, 2));
    const b = await ingest(d, wavs.pending(d.clock, 2));
    await setLegalHold(d, b.id, true);
    d.clock.days(200);
    const s = await runTiering(d);
    expect(s.deleted).toBe(2 - 1);
    expect(s.moved).toEqual({ warm: 1, cold: 1 });
    expect(await d.catalogue.get(a.id)).toBeUndefined();
    expect(await d.catalogue.get(b.id)).toMatchObject({ tier: 'cold', legalHold: true });
    expect((await runTiering(d)).held).toBe(1);
    await setLegalHold(d, b.id, false);
    expect((await runTiering(d)).deleted).toBe(1);
  }, 60_000);

  it('dry run plans without touching anything', async () => {
    const d = memoryRecordings();
    const e = await ingest(d, wavs.pending(d.clock, 1));
    d.clock.days(40);
    const s = await runTiering(d, { dryRun: true });
    expect(s.actions).toEqual([{ id: e.id, from: 'hot', to: 'cold' }]);
    expect(await d.catalogue.get(e.id)).toMatchObject({ tier: 'hot' });
  }, 30_000);

  it('serves byte ranges and records who listened', async () => {
    const d = memoryRecordings();
    const p = wavs.pending(d.clock, 3);
    const original = readFileSync(p.file);
    const e = await ingest(d, p);
    const r = await openRecording(d, e.id, {
      user: 'supervisor-7',
      range: { start: 1000, end: 40_000 },
    });
    expect((await buffer(r.stream)).equals(original.subarray(1000, 40_001))).toBe(true);
    expect(r.range).toEqual({ start: 1000, end: 40_000 });
    expect(await d.catalogue.audits(e.id)).toEqual([
      expect.objectContaining({
        recordingId: e.id,
        user: 'supervisor-7',
        range: '1000-40000',
        tier: 'hot',
      }),
    ]);
    expect(await code(openRecording(d, 'rec-nope', { user: 'x' }))).toBe('RECORDING_NOT_FOUND');
    expect(
      await code(openRecording(d, e.id, { user: 'x', range: { start: original.length + 5 } })),
    ).toBe('RECORDING_RANGE_INVALID');
  }, 30_000);

  it('rotates the master key without touching the audio; the old key can then go', async () => {
    const k1 = masterKey();
    const d = memoryRecordings({ keyring: new Keyring({ current: 'k1', keys: { k1 } }) });
    const e = await ingest(d, wavs.pending(d.clock, 1));
    const before = (
      d.tiers.hot as ReturnType<typeof import('./storage/memory.js').memoryStorage>
    ).objects.get(e.key)?.data;
    const k2 = masterKey();
    const rotated = { ...d, keyring: new Keyring({ current: 'k2', keys: { k1, k2 } }) };
    expect(await rotateKeys(rotated)).toMatchObject({ rewrapped: 1, current: 0, failed: [] });
    expect(
      (d.tiers.hot as ReturnType<typeof import('./storage/memory.js').memoryStorage>).objects
        .get(e.key)
        ?.data.equals(before!),
    ).toBe(true);
    const only2 = { ...d, keyring: new Keyring({ current: 'k2', keys: { k2 } }) };
    expect((await verifyAll(only2)).ok).toBe(1);
    // And the sidecar carries the rewrapped key, so a rebuilt catalogue opens with k2 alone.
    const fresh = { ...only2, catalogue: new MemoryCatalogue() };
    await rebuildCatalogue(fresh);
    expect((await verifyAll(fresh)).ok).toBe(1);
    // A wrong master key is named as such, not as damaged audio.
    const wrong = { ...d, keyring: new Keyring({ current: 'k2', keys: { k2: masterKey() } }) };
    expect(await code(openRecording(wrong, e.id, { user: 'x' }))).toBe('RECORDING_KEY_MISMATCH');
    expect(
      await code(
        openRecording(
          { ...d, keyring: new Keyring({ current: 'k9', keys: { k9: masterKey() } }) },
          e.id,
          { user: 'x' },
        ),
      ),
    ).toBe('RECORDING_KEY_MISSING');
  }, 30_000);

  it('rebuilds every entry from storage alone, across tiers, with holds', async () => {
    const d = memoryRecordings();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push((await ingest(d, wavs.pending(d.clock, 1))).id);
      d.clock.days(5);
    }
    await setLegalHold(d, ids[0]!, true);
    await runTiering(d);
    const before = new Map((await d.catalogue.search({ limit: 100 })).map((e) => [e.id, e]));
    expect(new Set([...before.values()].map((e) => e.tier))).toEqual(
      new Set(['hot', 'warm', 'cold']),
    );
    const fresh = { ...d, catalogue: new MemoryCatalogue() };
    const r = await rebuildCatalogue(fresh);
    expect(r).toMatchObject({ restored: 6, duplicates: 0, orphans: [], unreadable: [] });
    for (const [id, e] of before) expect(await fresh.catalogue.get(id)).toEqual(e);
  }, 60_000);

  it('finds a corrupted copy, keeps the source when a copy fails its check', async () => {
    const d = memoryRecordings();
    const e = await ingest(d, wavs.pending(d.clock, 2));
    const hot = d.tiers.hot as ReturnType<typeof import('./storage/memory.js').memoryStorage>;
    const obj = hot.objects.get(e.key)!;
    obj.data[5000] = (obj.data[5000] ?? 0) ^ 0xff;
    const v = await verifyAll(d);
    expect(v.failed).toEqual([expect.objectContaining({ id: e.id, code: 'RECORDING_CORRUPT' })]);
    d.clock.days(10);
    const s = await runTiering(d);
    expect(s.failed).toEqual([expect.objectContaining({ id: e.id, code: 'RECORDING_CORRUPT' })]);
    expect(await d.catalogue.get(e.id)).toMatchObject({ tier: 'hot' });
    expect(await hot.head(e.key)).toBeDefined();
    expect([...(d.tiers.warm as typeof hot).objects.keys()]).toEqual([]);
    expect((await d.catalogue.counters())['failed:RECORDING_CORRUPT']).toBe(1);
  }, 30_000);
});
