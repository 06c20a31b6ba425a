import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { apiRequester, refused, testApiDeps, type TestApi } from '../../test/fakes/api-deps.js';
import { memoryRecordings, WavFactory } from '../../test/fakes/recordings.js';
import { setLegalHold } from '../../recordings/hold.js';
import { ingest } from '../../recordings/ingest.js';
import { MemoryCallRecordStore, type CallRecord } from '../calls/record.js';
import { createApi } from '../http/app.js';
import { MemoryIvrRequests } from '../ivr/requests.js';
import { createLogger } from '../log/logger.js';
import { callerHasher } from './caller-hash.js';
import { describeErasure, eraseCaller, voicemailAudioRemover, type EraseDeps } from './erase.js';

const CALLER = '13800138000';
const OTHER = '13900139000';
const hash = callerHasher('test-secret');
const wavs = new WavFactory();
const dirs: string[] = [];
afterAll(() => {
  wavs.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function record(id: string, caller: string, state: CallRecord['state'] = 'ended'): CallRecord {
  return {
    id,
    controller: 'c1',
    mediaServer: 'a1',
    sipCallId: `sip-${id}`,
    calledNumber: '4008001234',
    callerMasked: '138****8000',
    callerHash: hash(caller),
    startedAt: '2026-11-25T03:00:00.000Z',
    state,
    digits: '1***',
    timeline: [],
  };
}

/** A contact center's worth of a caller's data, and another caller's beside it. */
async function world() {
  const calls = new MemoryCallRecordStore();
  await calls.save(record('c-1', CALLER));
  await calls.save(record('c-2', CALLER));
  await calls.save(record('c-live', CALLER, 'active'));
  await calls.save(record('c-other', OTHER));
  const history = new Map([
    [CALLER, '1001'],
    [OTHER, '1002'],
  ]);
  const requests = new MemoryIvrRequests();
  // A callback from the caller to another number, one from someone else to the caller's number, one unrelated.
  await requests.addCallback({
    callId: 'c-1',
    flow: 'f',
    number: '02088889999',
    callerHash: hash(CALLER),
    slot: 'asap',
    requestedAt: '2026-11-25T03:00:00.000Z',
  });
  await requests.addCallback({
    callId: 'c-9',
    flow: 'f',
    number: '138 0013 8000',
    callerHash: hash('01065529988'),
    slot: 'asap',
    requestedAt: '2026-11-25T03:00:00.000Z',
  });
  await requests.addCallback({
    callId: 'c-other',
    flow: 'f',
    number: OTHER,
    callerHash: hash(OTHER),
    slot: 'asap',
    requestedAt: '2026-11-25T03:00:00.000Z',
  });
  const audioDir = mkdtempSync(join(tmpdir(), 'hotline-vm-'));
  dirs.push(audioDir);
  for (const name of ['voicemail-sales-c-2', 'voicemail-sales-c-other'])
    writeFileSync(join(audioDir, `${name}.wav`), 'RIFF');
  await requests.addVoicemail({
    callId: 'c-2',
    flow: 'f',
    mailbox: 'sales',
    callerMasked: '138****8000',
    callerHash: hash(CALLER),
    recording: 'voicemail-sales-c-2',
    leftAt: '2026-11-25T03:00:00.000Z',
  });
  await requests.addVoicemail({
    callId: 'c-other',
    flow: 'f',
    mailbox: 'sales',
    callerMasked: '139****9000',
    callerHash: hash(OTHER),
    recording: 'voicemail-sales-c-other',
    leftAt: '2026-11-25T03:00:00.000Z',
  });
  const rec = memoryRecordings();
  const mine = await ingest(rec, wavs.pending(rec.clock, 1, { callerNumber: CALLER }));
  const held = await ingest(rec, wavs.pending(rec.clock, 1, { callerNumber: CALLER }));
  await setLegalHold(rec, held.id, true);
  const theirs = await ingest(rec, wavs.pending(rec.clock, 1, { callerNumber: OTHER }));
  const capturing = wavs.pending(rec.clock, 1, { callerNumber: CALLER });
  await rec.catalogue.addPending(capturing);
  const deps: EraseDeps = {
    hash,
    calls,
    history: {
      forget: async (n: string, o?: { dryRun?: boolean }) =>
        history.has(n) && (o?.dryRun ? true : history.delete(n)),
    },
    requests,
    removeVoicemailAudio: voicemailAudioRemover([audioDir, join(audioDir, 'absent')]),
    recordings: rec,
    log: createLogger({ level: 'silent', name: 't' }),
  };
  return {
    deps,
    calls,
    history,
    requests,
    rec,
    audioDir,
    ids: { mine: mine.id, held: held.id, theirs: theirs.id, capturing: capturing.id },
  };
}

describe('erasing a caller (data-subject request)', () => {
  it(
    'deletes the caller’s records, history, requests, voicemail ' +
      'audio and recordings; keeps held ones and everyone else’s',
    async () => {
      const w = await world();
      const r = await eraseCaller(w.deps, [CALLER]);
      expect(r).toMatchObject({
        numbers: ['138****8000'],
        dryRun: false,
        callRecords: { erased: ['c-1', 'c-2'], inProgress: ['c-live'] },
        history: 1,
        callbacks: { erased: ['c-1', 'c-9'] },
        voicemails: { erased: ['c-2'], audioDeleted: 1 },
        recordings: {
          deleted: [w.ids.mine],
          held: [w.ids.held],
          busy: [],
          pending: [w.ids.capturing],
          failed: [],
        },
        complete: false,
      });
      expect(await w.calls.get('c-1')).toBeUndefined();
      expect(await w.calls.findBySipCallId('sip-c-2')).toBeUndefined();
      expect(await w.calls.get('c-live')).toBeDefined();
      expect(await w.calls.get('c-other')).toBeDefined();
      expect([...w.history.keys()]).toEqual([OTHER]);
      expect(w.requests.callbacks.map((c) => c.callId)).toEqual(['c-other']);
      expect(w.requests.voicemails.map((v) => v.callId)).toEqual(['c-other']);
      expect(existsSync(join(w.audioDir, 'voicemail-sales-c-2.wav'))).toBe(false);
      expect(existsSync(join(w.audioDir, 'voicemail-sales-c-other.wav'))).toBe(true);
      // The recording went the way retention deletes: object and sidecar gone, entry gone; the held one stays whole.
      expect(await w.rec.catalogue.get(w.ids.mine)).toBeUndefined();
      expect((w.rec.tiers.hot as unknown as { objects: Map<string, unknown> }).objects.size).toBe(
        4,
      );
      expect(await w.rec.catalogue.get(w.ids.held)).toMatchObject({ legalHold: true });
      expect(await w.rec.catalogue.get(w.ids.theirs)).toBeDefined();
      expect(await w.rec.catalogue.counters()).toMatchObject({ erased: 1 });
      const text = describeErasure(r).join('\n');
      expect(text).toContain('recordings on legal hold, kept: 1');
      expect(text).toContain('of calls in progress left; run again once they end');
      expect(text).not.toContain(CALLER);
      // Once the call ended and the capture was stored: a second run finds the rest.
      await w.calls.save(record('c-live', CALLER));
      await w.rec.catalogue.removePending(w.ids.capturing);
      const again = await eraseCaller(w.deps, [CALLER]);
      expect(again).toMatchObject({
        callRecords: { erased: ['c-live'], inProgress: [] },
        history: 0,
        callbacks: { erased: [] },
        complete: true,
      });
      expect(describeErasure(again).at(-1)).toBe(
        'done: nothing left behind but the recordings on legal hold',
      );
    },
  );

  it('a dry run reports the same and changes nothing', async () => {
    const w = await world();
    const r = await eraseCaller(
      w.deps,
      [`+${CALLER}`, `${CALLER.slice(0, 3)}-${CALLER.slice(3)}`],
      { dryRun: true },
    );
    expect(r).toMatchObject({
      dryRun: true,
      callRecords: { erased: ['c-1', 'c-2'] },
      history: 1,
      recordings: { deleted: [w.ids.mine], held: [w.ids.held] },
    });
    expect(await w.calls.get('c-1')).toBeDefined();
    expect(w.history.size).toBe(2);
    expect(w.requests.callbacks).toHaveLength(3);
    expect(existsSync(join(w.audioDir, 'voicemail-sales-c-2.wav'))).toBe(true);
    expect(await w.rec.catalogue.get(w.ids.mine)).toBeDefined();
  });

  it('refuses what is not a phone number', async () => {
    const w = await world();
    for (const bad of [[], [''], ['12'], ['138 0013 8000; rm -rf /'], ['abc']])
      await expect(eraseCaller(w.deps, bad)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('never reaches outside the recording folders for voicemail audio', async () => {
    const remove = voicemailAudioRemover([tmpdir()]);
    expect(await remove('../etc/passwd')).toBe(false);
    expect(await remove('a/b')).toBe(false);
  });
});

describe('POST /v1/privacy/erase', () => {
  let t: TestApi;
  let app: Hono;
  afterAll(() => t.cleanup());

  it('erases for an admin, and only an admin; the answer names no number', async () => {
    const w = await world();
    t = await testApiDeps({ privacy: w.deps });
    app = createApi(t.deps);
    const call = apiRequester(() => ({ app, t }), 'admin');
    expect(
      await call('POST', '/v1/privacy/erase', { body: { numbers: [CALLER] }, as: 'supervisor' }),
    ).toMatchObject(refused(403, 'FORBIDDEN'));
    expect(
      await call('POST', '/v1/privacy/erase', { body: { numbers: ['not a number'] } }),
    ).toMatchObject(refused(400, 'BODY_INVALID'));
    const dry = await call('POST', '/v1/privacy/erase', {
      body: { numbers: [CALLER], dryRun: true },
    });
    expect(dry).toMatchObject({
      status: 200,
      body: { dryRun: true, callRecords: { erased: ['c-1', 'c-2'] } },
    });
    const done = await call('POST', '/v1/privacy/erase', { body: { numbers: [CALLER] } });
    expect(done).toMatchObject({
      status: 200,
      body: {
        numbers: ['138****8000'],
        callRecords: { erased: ['c-1', 'c-2'], inProgress: ['c-live'] },
        recordings: { held: [w.ids.held] },
      },
    });
    expect(JSON.stringify(done.body)).not.toContain(CALLER);
    expect(await w.calls.get('c-1')).toBeUndefined();
  });
});
