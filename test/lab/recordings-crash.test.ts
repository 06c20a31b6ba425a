import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../controller/config/load.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import {
  isSidecar,
  TIERS,
  type RecordingEntry,
  type Tier,
} from '../../recordings/catalogue/entry.js';
import { MemoryCatalogue } from '../../recordings/catalogue/memory.js';
import { rebuildCatalogue } from '../../recordings/catalogue/rebuild.js';
import type { RecordingsDeps } from '../../recordings/deps.js';
import { setLegalHold } from '../../recordings/hold.js';
import { ingest } from '../../recordings/ingest.js';
import { recordingsFromConfig } from '../../recordings/setup.js';
import { runTiering } from '../../recordings/tiering/run.js';
import { checkCopy } from '../../recordings/verify-copy.js';
import { TestClock, WavFactory } from '../fakes/recordings.js';
import { startLocalS3 } from '../contract/s3-server.js';
import { labConfig } from './lab-config.js';

const DAY = 24 * 3600_000;
const BATCH = 3;

/**
 * The tiering worker, a real process (`hotline recordings tier`), killed with SIGKILL right after
 * each step of a move, again and again, against real Redis, folders and S3 (s3rver). After every
 * kill nothing may be lost: each recording still has a catalogue entry whose copy decrypts and
 * checks out. After a clean run, each has exactly one copy (object and sidecar), on the right tier.
 */
describe('the tiering worker killed at every step of a move', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'hotline-crash-'));
  const prefix = `hotline-crash-${process.pid}:`;
  const configFile = join(scratch, 'hotline.yaml');
  const clock = new TestClock();
  const t0 = clock.ms;
  const wavs = new WavFactory();
  let s3: Awaited<ReturnType<typeof startLocalS3>>;
  let redis: Redis;
  let deps: RecordingsDeps;
  const kills: Record<string, number> = {};

  beforeAll(async () => {
    s3 = await startLocalS3({ bucket: 'crash-cold' });
    const lab = labConfig();
    writeFileSync(
      configFile,
      stringify({
        redis: { url: lab.redis.url, keyPrefix: prefix },
        log: { level: 'warn' },
        recordings: {
          hotDir: join(scratch, 'hot'),
          warm: { dir: join(scratch, 'warm') },
          cold: {
            driver: 's3',
            endpoint: s3.endpoint,
            bucket: s3.bucket,
            prefix: 'rec/',
            accessKeyId: s3.credentials.accessKeyId,
            secretAccessKey: s3.credentials.secretAccessKey,
          },
          keyFile: join(scratch, 'keys.json'),
          worker: { mode: 'off', lockSeconds: 0.3 },
        },
      }),
    );
    const config = loadConfig({ file: configFile, env: {} });
    redis = new Redis(config.redis.url);
    deps = await recordingsFromConfig(config.recordings, {
      redis,
      keyPrefix: prefix,
      mediaRecordingsDir: undefined,
      log: pino({ level: 'silent' }),
      now: clock.now,
    });
  }, 60_000);

  afterAll(async () => {
    const keys = await redis?.keys(`${prefix}*`);
    if (keys?.length) await redis.del(...keys);
    redis?.disconnect();
    await s3?.close();
    wavs.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** One worker run at `day`; with `crashAt` it is killed at that step's n-th passage. */
  function tier(
    day: number,
    crashAt?: string,
  ): Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    stdout: string;
  }> {
    return cli(
      ['recordings', 'tier', '--now', new Date(t0 + day * DAY).toISOString(), '--concurrency', '2'],
      crashAt,
    );
  }

  function cli(
    args: string[],
    crashAt?: string,
  ): Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    stdout: string;
  }> {
    return new Promise((resolve, reject) => {
      const env = {
        ...process.env,
        HOTLINE_CONFIG: configFile,
        ...(crashAt ? { HOTLINE_TEST_CRASH_AT: crashAt } : {}),
      };
      const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'hotline.js'), ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stderr, stdout });
      });
    });
  }

  /** Nothing lost: every recording still catalogued, its catalogued copy whole. */
  async function nothingLost(expected: string[]): Promise<void> {
    for (const id of expected) {
      const e = await deps.catalogue.get(id);
      expect(e, `${id} lost from the catalogue`).toBeDefined();
      const check = await checkCopy(deps, e!);
      expect(check, `${id} on ${e!.tier}`).toEqual({ ok: true });
    }
  }

  /** Objects (not sidecars) per recording id, over every tier. */
  async function copies(): Promise<
    Map<string, { tier: Tier; sidecars: number; objects: number }[]>
  > {
    const out = new Map<string, { tier: Tier; sidecars: number; objects: number }[]>();
    for (const tier of TIERS) {
      for await (const o of deps.tiers[tier].list()) {
        const id = /(rec-[0-9a-f-]+)\./.exec(o.key)?.[1];
        if (!id) continue;
        const list = out.get(id) ?? [];
        let slot = list.find((c) => c.tier === tier);
        if (!slot) list.push((slot = { tier, sidecars: 0, objects: 0 }));
        if (isSidecar(o.key)) slot.sidecars++;
        else slot.objects++;
        out.set(id, list);
      }
    }
    return out;
  }

  async function settledOn(expected: Record<string, Tier>): Promise<void> {
    const all = await copies();
    for (const [id, tier] of Object.entries(expected)) {
      const e = await deps.catalogue.get(id);
      expect(e).toMatchObject({ tier });
      expect(e?.stale ?? []).toEqual([]);
      expect(all.get(id), id).toEqual([{ tier, sidecars: 1, objects: 1 }]);
    }
    for (const id of all.keys())
      expect(Object.keys(expected), `leftover copies of ${id}`).toContain(id);
    // And the catalogue can be rebuilt from storage alone, entry for entry.
    const fresh: RecordingsDeps = { ...deps, catalogue: new MemoryCatalogue() };
    const r = await rebuildCatalogue(fresh);
    expect(r).toMatchObject({
      restored: Object.keys(expected).length,
      duplicates: 0,
      orphans: [],
      unreadable: [],
    });
    for (const id of Object.keys(expected)) {
      const rebuilt = (await fresh.catalogue.get(id)) as RecordingEntry;
      const live = (await deps.catalogue.get(id)) as RecordingEntry;
      delete live.stale;
      expect(rebuilt).toEqual(live);
    }
  }

  /** Empties catalogue and storage between phases. */
  async function reset(): Promise<void> {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    for (const tier of TIERS)
      for await (const o of deps.tiers[tier].list()) await deps.tiers[tier].delete(o.key);
  }

  /** A fresh batch for one step's kills, brought (in-process, no kills) to `onDay`'s tier. */
  async function batch(onDay: number, size = BATCH): Promise<string[]> {
    clock.ms = t0;
    const out: string[] = [];
    for (let i = 0; i < size; i++) out.push((await ingest(deps, wavs.pending(clock, 1 + i))).id);
    if (onDay > 0) {
      const s = await runTiering({ ...deps, now: () => new Date(t0 + onDay * DAY) });
      expect(s.failed).toEqual([]);
    }
    return out;
  }

  /**
   * One batch, then one worker run per step, each killed at that step's first passage (the batch
   * is large enough that every step is still reached), checking after every kill that nothing is
   * lost; then a clean run.
   */
  async function crashSeries(
    from: number,
    day: number,
    steps: string[],
    prepare?: (ids: string[]) => Promise<void>,
  ): Promise<string[]> {
    const ids = await batch(from, steps.length + 2);
    await prepare?.(ids);
    for (const step of steps) {
      const run = await tier(day, `${step}:1`);
      if (run.signal === 'SIGKILL') kills[step] = (kills[step] ?? 0) + 1;
      else expect(run.code, run.stderr).toBe(0);
      await nothingLost(ids.filter((id) => day < 180 || kept.has(id)));
      // The dead worker's locks lapse (lockSeconds: 0.3) before the next one starts.
      await new Promise((r) => setTimeout(r, 350));
    }
    const clean = await tier(day);
    expect(clean.code, clean.stderr).toBe(0);
    return ids;
  }

  const MOVE_STEPS = ['copied', 'verified', 'sidecar', 'committed', 'source-deleted', 'cleaned'];
  const kept = new Set<string>();

  it('hot → warm (transcoding): killed at each step, nothing lost, then exactly one copy each', async () => {
    const ids = await crashSeries(0, 8, MOVE_STEPS);
    await settledOn(Object.fromEntries(ids.map((id) => [id, 'warm'])));
    for (const s of MOVE_STEPS) expect(kills[s], s).toBeGreaterThan(0);
  }, 240_000);

  it('warm → cold (S3): killed at each step, nothing lost, then exactly one copy each', async () => {
    await reset();
    for (const s of MOVE_STEPS) kills[s] = 0;
    const ids = await crashSeries(8, 31, MOVE_STEPS);
    await settledOn(Object.fromEntries(ids.map((id) => [id, 'cold'])));
    for (const s of MOVE_STEPS) expect(kills[s], s).toBeGreaterThan(0);
  }, 240_000);

  it('day 181: killed while deleting, the held recording stays, the others go and stay gone', async () => {
    await reset();
    const steps = ['marked', 'object-deleted', 'removed'];
    const ids = await crashSeries(31, 181, steps, async (batchIds) => {
      kept.add(batchIds[0]!);
      await setLegalHold(deps, batchIds[0]!, true);
    });
    for (const s of steps) expect(kills[s], s).toBeGreaterThan(0);
    for (const id of ids) if (!kept.has(id)) expect(await deps.catalogue.get(id)).toBeUndefined();
    await settledOn(Object.fromEntries([...kept].map((id) => [id, 'cold'])));
  }, 240_000);

  it('the CLI: list, dry run, get (audited), hold and release, verify, rebuild, rotate-key', async () => {
    await reset();
    const [id] = await batch(8);
    const list = await cli(['recordings', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    const rows = JSON.parse(list.stdout) as {
      id: string;
      tier: string;
      location: string;
      dataKey?: string;
    }[];
    expect(rows.find((r) => r.id === id)).toMatchObject({
      tier: 'warm',
      location: expect.stringMatching(/^warm:/) as unknown,
    });
    expect(rows.every((r) => r.dataKey === undefined)).toBe(true);
    const plan = await cli([
      'recordings',
      'tier',
      '--dry-run',
      '--now',
      new Date(t0 + 31 * DAY).toISOString(),
    ]);
    expect(plan.stdout).toContain(`${id!}  warm → cold`);
    expect(await deps.catalogue.get(id!)).toMatchObject({ tier: 'warm' });
    const out = join(scratch, 'got.ogg');
    const got = await cli(['recordings', 'get', id!, '-o', out, '--user', 'auditor-1']);
    expect(got.code, got.stderr).toBe(0);
    const e = (await deps.catalogue.get(id!))!;
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(e.sha256);
    expect((await deps.catalogue.audits(id!)).at(-1)).toMatchObject({
      user: 'auditor-1',
      tier: 'warm',
    });
    expect((await cli(['recordings', 'hold', id!])).stdout).toContain('legal hold on');
    expect(await deps.catalogue.get(id!)).toMatchObject({ legalHold: true });
    expect((await cli(['recordings', 'release', id!])).stdout).toContain('legal hold off');
    const verify = await cli(['recordings', 'verify']);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.stdout).toContain(`checked ${BATCH}: ${BATCH} intact, 0 failed`);
    const rotate = await cli(['recordings', 'rotate-key']);
    expect(rotate.code, rotate.stdout).toBe(0);
    expect(rotate.stdout).toContain(`rewrapped ${BATCH} data keys`);
    expect(deps.keyring.keyIdOf((await deps.catalogue.get(id!))!.dataKey)).toBe('k2');
    const keys = await redis.keys(`${prefix}rec:e:*`);
    await redis.del(...keys);
    const rebuild = await cli(['recordings', 'rebuild']);
    expect(rebuild.stdout).toContain(`restored ${BATCH} entries`);
    expect(await deps.catalogue.get(id!)).toMatchObject({ tier: 'warm', legalHold: false });
    // A missing recording is a clear error, not a crash.
    const missing = await cli(['recordings', 'get', 'rec-nope', '-o', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no recording rec-nope');
  }, 120_000);
});
