import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderStorage } from '../../recordings/storage/folder.js';
import { ingest } from '../../recordings/ingest.js';
import { runTiering } from '../../recordings/tiering/run.js';
import { checkCopy } from '../../recordings/verify-copy.js';
import { memoryRecordings, WavFactory } from '../fakes/recordings.js';

/**
 * The warm volume fills up (a 64 KiB tmpfs): the move fails with STORAGE_FULL, leaves no partial
 * file, and the hot copy stays whole; with room again, the next run moves it. Needs root (mount).
 */
describe('a full warm volume', () => {
  const root = mkdtempSync(join(tmpdir(), 'hotline-full-'));
  const warmDir = join(root, 'warm');
  const wavs = new WavFactory();
  const mount = (size: string): void => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', warmDir]);
  };
  beforeAll(() => {
    execFileSync('mkdir', ['-p', warmDir]);
    mount('16k');
  });
  afterAll(() => {
    try {
      execFileSync('umount', [warmDir]);
    } catch {
      // not mounted
    }
    wavs.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('fails the move cleanly, keeps the source, and succeeds once there is room', async () => {
    const d = memoryRecordings({
      tiers: {
        hot: folderStorage({ name: 'hot', root: join(root, 'hot') }),
        warm: folderStorage({ name: 'warm', root: warmDir }),
      },
    });
    // Noise compresses poorly: 60 s is well over 16 KiB of Opus.
    const e = await ingest(d, wavs.pending(d.clock, 60));
    d.clock.days(8);
    const s = await runTiering(d);
    expect(s.failed).toEqual([expect.objectContaining({ id: e.id, code: 'STORAGE_FULL' })]);
    expect(await d.catalogue.get(e.id)).toMatchObject({ tier: 'hot' });
    expect(await checkCopy(d, e)).toEqual({ ok: true });
    const leftovers = readdirSync(warmDir, { recursive: true, withFileTypes: true }).filter((f) =>
      f.isFile(),
    );
    expect(leftovers.map((f) => f.name)).toEqual([]);
    expect((await d.catalogue.counters())['failed:STORAGE_FULL']).toBe(1);

    execFileSync('umount', [warmDir]);
    mount('16m');
    expect((await runTiering(d)).moved.warm).toBe(1);
    const warm = await d.catalogue.get(e.id);
    expect(warm).toMatchObject({ tier: 'warm' });
    expect(await checkCopy(d, warm!)).toEqual({ ok: true });
  }, 60_000);
});
