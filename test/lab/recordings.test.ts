import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../controller/config/schema.js';
import { startController, type Controller } from '../../controller/main.js';
import { openRecording } from '../../recordings/access.js';
import { decodedDurationMs } from '../../recordings/audio/transcode.js';
import { parseWavHeader } from '../../recordings/audio/wav.js';
import type { RecordingEntry } from '../../recordings/catalogue/entry.js';
import type { RecordingsDeps } from '../../recordings/deps.js';
import { setLegalHold } from '../../recordings/hold.js';
import { openCopy } from '../../recordings/read.js';
import { runTiering } from '../../recordings/tiering/run.js';
import { startLocalS3 } from '../contract/s3-server.js';
import { runSipp, startSippAgents } from '../../tools/sipp/sipp.js';
import { onlyAvailable, recordOf, routingCopy, silentLog, waitReady } from './harness.js';
import { labConfig } from './lab-config.js';

const DAY = 24 * 3600_000;
const PREFIX = `hotline-rectest-${process.pid}:`;

async function dropKeys(controller: Controller | undefined): Promise<void> {
  if (!controller) return;
  const keys = await controller.redis.keys(`${PREFIX}*`);
  if (keys.length) await controller.redis.del(...keys);
}
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Root-mean-square level of 16-bit PCM: proof the recording holds sound, not silence. */
function rms(wav: Buffer): number {
  const h = parseWavHeader(wav);
  const pcm = wav.subarray(h.dataOffset);
  let sum = 0;
  const n = Math.floor(pcm.length / 2);
  for (let i = 0; i < n; i++) sum += pcm.readInt16LE(i * 2) ** 2;
  return Math.sqrt(sum / Math.max(1, n));
}

async function stored(
  controller: Controller,
  id: string | undefined,
  timeoutMs = 15_000,
): Promise<RecordingEntry> {
  if (!id) throw new Error('the call record names no recording');
  const until = Date.now() + timeoutMs;
  for (;;) {
    const e = await controller.recordings!.deps.catalogue.get(id);
    if (e) return e;
    if (Date.now() > until)
      throw new Error(`recording ${id} not catalogued within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Callers press 1 (billing) and stay `holdMs`; answering SIPp agents on 127.0.0.2 send audio. */
async function bridgedCalls(
  controller: Controller,
  n: number,
  holdMs: number,
  during?: (callIds: string[]) => Promise<void>,
): Promise<string[]> {
  const agents = startSippAgents({ calls: n, timeoutMs: 60_000 });
  const callers = Array.from({ length: n }, (_, i) =>
    runSipp({
      scenario: 'uac-400-dtmf-then-hangup',
      service: '4008001234',
      dtmf: '1',
      holdMs,
      timeoutMs: 60_000,
      callIdPrefix: `rec${i}-${Date.now()}-`,
      callerNumber: `1380013800${i}`,
    }),
  );
  if (during) await during([]);
  const results = await Promise.all(callers);
  const agent = await agents.done;
  expect(agent.exitCode, agent.errors).toBe(0);
  const ids: string[] = [];
  for (const r of results) {
    expect(r.exitCode, r.errors).toBe(0);
    const record = await recordOf(controller.store, r.callId(1));
    expect(record).toMatchObject({ outcome: 'connected', queue: 'billing' });
    ids.push(record?.recordingId ?? '');
  }
  return ids;
}

describe('recordings of real bridged calls, through hot, warm (ffmpeg) and cold (S3 on s3rver)', () => {
  let controller: Controller;
  let s3: Awaited<ReturnType<typeof startLocalS3>>;
  const scratch = mkdtempSync(join(tmpdir(), 'hotline-rec-lab-'));
  let deps: RecordingsDeps;

  beforeAll(async () => {
    s3 = await startLocalS3({ bucket: 'hotline-cold' });
    const base = labConfig();
    const config: Config = {
      ...base,
      // A catalogue of its own: the day-180 counts below must see only these recordings.
      redis: { ...base.redis, keyPrefix: PREFIX },
      session: { ...base.session, menu: { '1': 'billing' } },
      recordings: {
        ...base.recordings,
        warm: { dir: join(scratch, 'warm'), bitrateKbps: 16 },
        cold: {
          driver: 's3',
          endpoint: s3.endpoint,
          region: 'us-east-1',
          bucket: s3.bucket,
          prefix: 'recordings/',
          accessKeyId: s3.credentials.accessKeyId,
          secretAccessKey: s3.credentials.secretAccessKey,
          storageClass: 'STANDARD_IA',
          forcePathStyle: true,
        },
        keyFile: join(scratch, 'keys.json'),
      },
    };
    controller = await startController(config, { log: silentLog, http: false });
    await waitReady(controller.servers[0]!);
    deps = controller.recordings!.deps;
  });
  afterAll(async () => {
    await dropKeys(controller);
    await controller?.stop(5000);
    await s3?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it(
    'records each conversation, catalogues it with a ' +
      'checksum, and lives through 180 days on an injected clock',
    async () => {
      await onlyAvailable(controller.routing, ['1001', '1004']);
      const [plain, held] = (await bridgedCalls(controller, 2, 5000)) as [string, string];
      const a = await stored(controller, plain);
      const b = await stored(controller, held);
      for (const e of [a, b]) {
        expect(e).toMatchObject({
          tier: 'hot',
          format: 'wav',
          number: '4008001234',
          queue: 'billing',
          legalHold: false,
        });
        expect(['1001', '1004']).toContain(e.agentId);
        expect(e.callerMasked).toMatch(/^138\*{4}800\d$/);
        expect(e.durationMs).toBeGreaterThan(2500);
        expect(e.durationMs).toBeLessThan(6500);
        expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
        // The media server's plain file is gone; what is stored is encrypted.
        expect(existsSync(controller.servers[0]!.recordingFile(`hotline-${e.id}`, 'wav'))).toBe(
          false,
        );
        const raw = await buffer(await deps.tiers.hot.get(e.key));
        expect(raw.subarray(0, 4).toString()).toBe('HLR1');
      }
      // Hot: bit-exact with what the media server wrote, and it holds both parties' audio.
      const hotAudio = await buffer((await openRecording(deps, a.id, { user: 'lab-test' })).stream);
      expect(sha(hotAudio)).toBe(a.original.sha256);
      expect(parseWavHeader(hotAudio)).toMatchObject({
        sampleRate: 8000,
        channels: 1,
        bitsPerSample: 16,
      });
      expect(rms(hotAudio)).toBeGreaterThan(200);
      await setLegalHold(deps, b.id, true);

      const start = Date.parse(a.startedAt);
      const at = (days: number): RecordingsDeps => ({
        ...deps,
        now: () => new Date(start + days * DAY),
      });
      expect((await runTiering(at(6))).planned).toBe(0);

      const toWarm = await runTiering(at(8));
      expect(toWarm).toMatchObject({ moved: { warm: 2, cold: 0 }, failed: [] });
      const warm = (await deps.catalogue.get(a.id))!;
      expect(warm).toMatchObject({ tier: 'warm', format: 'opus' });
      expect(await deps.tiers.hot.head(a.key)).toBeUndefined();
      const warmAudio = await buffer(
        (await openRecording(deps, a.id, { user: 'lab-test' })).stream,
      );
      expect(warmAudio.subarray(0, 4).toString()).toBe('OggS');
      const warmMs = await decodedDurationMs(await openCopy(deps, warm), {
        timeoutMs: 20_000,
        format: 'ogg',
      });
      expect(Math.abs(warmMs - a.original.durationMs)).toBeLessThanOrEqual(50);

      const toCold = await runTiering(at(31));
      expect(toCold).toMatchObject({ moved: { warm: 0, cold: 2 }, failed: [] });
      const cold = (await deps.catalogue.get(a.id))!;
      expect(cold).toMatchObject({ tier: 'cold', format: 'opus', sha256: warm.sha256 });
      expect(await deps.tiers.warm.head(warm.key)).toBeUndefined();
      // Cold: bit-exact with the warm copy it was made from, stored in S3 with its storage class.
      const coldAudio = await buffer(
        (await openRecording(deps, a.id, { user: 'lab-test', range: undefined })).stream,
      );
      expect(coldAudio.equals(warmAudio)).toBe(true);
      const client = new S3Client({
        endpoint: s3.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: s3.credentials,
      });
      const head = await client.send(
        new HeadObjectCommand({ Bucket: s3.bucket, Key: `recordings/${cold.key}` }),
      );
      expect(head.StorageClass).toBe('STANDARD_IA');
      client.destroy();
      const ranged = await buffer(
        (await openRecording(deps, a.id, { user: 'lab-test', range: { start: 10, end: 99 } }))
          .stream,
      );
      expect(ranged.equals(warmAudio.subarray(10, 100))).toBe(true);
      expect((await deps.catalogue.audits(a.id)).map((x) => x.tier)).toEqual([
        'hot',
        'warm',
        'cold',
        'cold',
      ]);

      const end = await runTiering(at(181));
      expect(end).toMatchObject({ deleted: 1, held: 1, failed: [] });
      expect(await deps.catalogue.get(a.id)).toBeUndefined();
      expect(await deps.tiers.cold.head(cold.key)).toBeUndefined();
      expect(await deps.catalogue.get(b.id)).toMatchObject({ tier: 'cold', legalHold: true });
      await setLegalHold(deps, b.id, false);
      expect(await runTiering(at(182))).toMatchObject({ deleted: 1 });
      expect(await deps.catalogue.get(b.id)).toBeUndefined();
    },
    120_000,
  );
});

describe('recording on demand, with pause and resume (a queue that records only when asked)', () => {
  let controller: Controller;
  const scratch = mkdtempSync(join(tmpdir(), 'hotline-rec-lab-'));

  beforeAll(async () => {
    const base = labConfig();
    const routing = routingCopy({
      queues: [
        [
          '    strategy: weighted-round-robin\n',
          '    strategy: weighted-round-robin\n    record: on-demand\n',
        ],
      ],
    });
    const config: Config = {
      ...base,
      routing: { dir: routing },
      session: { ...base.session, menu: { '1': 'billing' } },
      recordings: {
        ...base.recordings,
        warm: { dir: join(scratch, 'warm'), bitrateKbps: 16 },
        cold: { driver: 'folder', dir: join(scratch, 'cold') },
        keyFile: join(scratch, 'keys.json'),
      },
    };
    controller = await startController(config, { log: silentLog, http: false });
    await waitReady(controller.servers[0]!);
  });
  afterAll(async () => {
    await controller?.stop(5000);
    rmSync(scratch, { recursive: true, force: true });
  });

  it(
    'records nothing until asked; paused time is left out of the recording',
    async () => {
      await onlyAvailable(controller.routing, ['1001']);
      const capture = controller.recordings!.capture;
      const agents = startSippAgents({ calls: 1, timeoutMs: 60_000 });
      const caller = runSipp({
        scenario: 'uac-400-dtmf-then-hangup',
        service: '4008001234',
        dtmf: '1',
        holdMs: 9000,
        timeoutMs: 60_000,
      });
      // Wait for the conversation: the bridged call is registered, but nothing records yet.
      const until = Date.now() + 15_000;
      let callId: string | undefined;
      while (!callId && Date.now() < until) {
        callId = controller.runner
          .liveCalls()
          .map((c) => c.id)
          .find((c) => capture.isBridged(c));
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(callId).toBeDefined();
      expect(capture.live(callId!)).toBeUndefined();
      const live = await capture.start(callId!);
      await new Promise((r) => setTimeout(r, 1500));
      await live.pause();
      expect(live.paused).toBe(true);
      await new Promise((r) => setTimeout(r, 3000));
      await live.resume();
      const result = await caller;
      expect(result.exitCode, result.errors).toBe(0);
      await agents.done;
      const entry = await live.stored;
      expect(entry).toBeDefined();
      const wall = Date.parse(entry!.endedAt) - Date.parse(entry!.startedAt);
      // About 3 s of the conversation were paused: the audio is that much shorter than the time.
      expect(wall - entry!.durationMs).toBeGreaterThan(2200);
      expect(wall - entry!.durationMs).toBeLessThan(4500);
      const record = await recordOf(controller.store, result.callId(1));
      expect(record?.recordingId).toBe(entry!.id);
    },
    { timeout: 60_000, retry: 1 },
  ); // seen once overrunning on a busy lab (closing note)
});
