import { utimesSync, existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryRecordings, WavFactory } from '../test/fakes/recordings.js';
import { startLocalS3 } from '../test/contract/s3-server.js';
import type { MediaRecording, RecordableBridge, RecordingFiles } from './media.js';
import { RecordingCapture } from './capture.js';
import { ingest } from './ingest.js';
import { s3Storage } from './storage/s3.js';
import { runTiering } from './tiering/run.js';
import { checkCopy } from './verify-copy.js';

const wavs = new WavFactory();
afterAll(() => wavs.close());

describe('cold storage that is unreachable, then back', () => {
  it('retries with backoff, keeps the warm copy, counts the failure, and moves on the next run', async () => {
    const s3 = await startLocalS3({ bucket: 'cold-later' });
    try {
      const creds = {
        region: 'us-east-1',
        bucket: 'cold-later',
        ...s3.credentials,
        forcePathStyle: true,
      };
      // Nothing listens on port 9 of loopback (discard, closed here).
      const down = s3Storage({
        ...creds,
        name: 'cold',
        endpoint: 'http://127.0.0.1:9',
        maxAttempts: 1,
        requestTimeoutMs: 1000,
      });
      const d = memoryRecordings({ tiers: { cold: down } });
      const e = await ingest(d, wavs.pending(d.clock, 2));
      d.clock.days(8);
      await runTiering(d);
      d.clock.days(30);
      const started = Date.now();
      const s = await runTiering(d, { attempts: 3, retryInitialMs: 100 });
      expect(s.failed).toEqual([
        expect.objectContaining({ id: e.id, code: 'STORAGE_UNAVAILABLE' }),
      ]);
      // Three attempts, with backoff between them (50–100 ms, then 100–200 ms).
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      const warm = await d.catalogue.get(e.id);
      expect(warm).toMatchObject({ tier: 'warm' });
      expect(await checkCopy(d, warm!)).toEqual({ ok: true });
      expect((await d.catalogue.counters())['failed:STORAGE_UNAVAILABLE']).toBe(1);
      await down.close?.();

      const up = {
        ...d,
        tiers: { ...d.tiers, cold: s3Storage({ ...creds, name: 'cold', endpoint: s3.endpoint }) },
      };
      expect((await runTiering(up)).moved.cold).toBe(1);
      const cold = await up.catalogue.get(e.id);
      expect(cold).toMatchObject({ tier: 'cold', sha256: warm!.sha256 });
      expect(await checkCopy(up, cold!)).toEqual({ ok: true });
      await up.tiers.cold.close?.();
    } finally {
      await s3.close();
    }
  }, 30_000);
});

describe('a recording whose end the media server never reports', () => {
  it('is stored once the conversation is over and the grace period has passed', async () => {
    const d = memoryRecordings();
    const capture = new RecordingCapture(d, { commandTimeoutMs: 1000, finishGraceMs: 200 });
    const wav = wavs.make(1);
    // A bridge whose recording never says it finished (the event was lost with a connection).
    const silentEnd: MediaRecording = {
      done: new Promise(() => undefined),
      stop: async () => undefined,
      pause: async () => undefined,
      resume: async () => undefined,
    };
    const bridge = { record: async () => silentEnd } as unknown as RecordableBridge;
    const server = { recordingFile: () => wav } as unknown as RecordingFiles;
    const unregister = capture.register(
      { callId: 'c1', number: '4008001234', callerNumber: '13800138000' },
      bridge,
      server,
      d.log,
    );
    const live = await capture.start('c1');
    let stored = false;
    void live.stored.then(() => (stored = true));
    await new Promise((r) => setTimeout(r, 400));
    expect(stored).toBe(false);
    unregister();
    const entry = await live.stored;
    expect(entry).toMatchObject({ id: live.id, tier: 'hot', callId: 'c1' });
    expect(await d.catalogue.listPending()).toEqual([]);
    expect(await d.catalogue.isLive(live.id)).toBe(false);
  }, 10_000);
});

describe('recordings a controller left behind (it stopped or crashed mid-call)', () => {
  it(
    'are stored by the next sweep once their file is quiet, ' +
      'but not while another controller still records them',
    async () => {
      const d = memoryRecordings();
      const capture = new RecordingCapture(d, {
        commandTimeoutMs: 1000,
        quietMs: 1000,
        giveUpMs: 3600_000,
      });
      const p = wavs.pending(d.clock, 2);
      await d.catalogue.addPending(p);
      // Another controller is recording it (lease fresh): hands off, however quiet the file.
      await d.catalogue.touchLive(p.id, 60_000);
      const old = new Date(Date.now() - 60_000);
      utimesSync(p.file, old, old);
      expect(await capture.sweep()).toEqual({ ingested: 0, failed: 0, lost: 0 });
      // Its lease lapses (the controller died): stored, the plain file removed, the mark cleared.
      await d.catalogue.endLive(p.id);
      expect(await capture.sweep()).toEqual({ ingested: 1, failed: 0, lost: 0 });
      expect(await d.catalogue.get(p.id)).toMatchObject({ tier: 'hot', callId: p.callId });
      expect(existsSync(p.file)).toBe(false);
      expect(await d.catalogue.listPending()).toEqual([]);
    },
    30_000,
  );

  it('waits while the file still grows, and gives up loudly on a file that never appears', async () => {
    const d = memoryRecordings();
    const capture = new RecordingCapture(d, {
      commandTimeoutMs: 1000,
      quietMs: 5000,
      giveUpMs: 3600_000,
    });
    const fresh = wavs.pending(d.clock, 1);
    await d.catalogue.addPending(fresh);
    expect(await capture.sweep()).toEqual({ ingested: 0, failed: 0, lost: 0 });
    const ghost = { ...wavs.pending(d.clock, 1), file: '/nonexistent/hotline/ghost.wav' };
    await d.catalogue.addPending(ghost);
    expect((await capture.sweep()).lost).toBe(0);
    d.clock.days(2);
    expect((await capture.sweep()).lost).toBe(1);
    expect((await d.catalogue.counters()).lost).toBe(1);
    expect((await d.catalogue.listPending()).map((x) => x.id)).toEqual([fresh.id]);
  }, 30_000);

  it('a crash between storing and cataloguing is finished by the next pass, without a second copy', async () => {
    const d = memoryRecordings();
    const p = wavs.pending(d.clock, 1);
    await d.catalogue.addPending(p);
    const dying = {
      ...d,
      step: (name: string) => {
        if (name === 'ingest-stored') throw new Error('killed');
      },
    };
    await expect(ingest(dying, p)).rejects.toThrow('killed');
    expect(await d.catalogue.get(p.id)).toBeUndefined();
    const e = await ingest(d, p);
    expect(await checkCopy(d, e)).toEqual({ ok: true });
    const keys: string[] = [];
    for await (const o of d.tiers.hot.list()) keys.push(o.key);
    expect(keys).toEqual([e.key, `${e.key}.meta.json`]);
  }, 30_000);
});
