import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { HotlineError } from '../../lib/errors.js';
import { maskNumber } from '../../lib/mask.js';
import type { RecordingsDeps } from '../../recordings/deps.js';
import { eraseCallerRecordings, type ErasedRecordings } from '../../recordings/erase.js';
import type { ServiceHistory } from '../acd/history.js';
import type { CallRecordStore } from '../calls/record.js';
import { digitsOf, type IvrRequests } from '../ivr/requests.js';
import type { CallerHasher } from './caller-hash.js';

/** Where a caller's data lives, each part passed in (Redis stores in production, fakes in tests). */
export interface EraseDeps {
  hash: CallerHasher;
  calls: Pick<CallRecordStore, 'findByCaller' | 'remove'>;
  history: Pick<ServiceHistory, 'forget'>;
  requests: Pick<IvrRequests, 'eraseCaller'>;
  /** Deletes a voicemail's audio (its name in the media servers' recording folders); false: none. */
  removeVoicemailAudio(recording: string): Promise<boolean>;
  /** The recording lifecycle; absent when recording is off (nothing recorded to erase). */
  recordings?: RecordingsDeps | undefined;
  log: Logger;
}

export interface ErasureReport {
  /** The numbers asked about, masked (the report may be kept; the numbers should not). */
  numbers: string[];
  dryRun: boolean;
  callRecords: { erased: string[]; inProgress: string[] };
  /** Service-history entries (last agent who served the caller) forgotten. */
  history: number;
  callbacks: { erased: string[] };
  voicemails: { erased: string[]; audioDeleted: number };
  recordings: ErasedRecordings | undefined;
  /** Nothing was left behind that can be erased now (held recordings are kept on purpose). */
  complete: boolean;
}

/**
 * Finds and deletes what hotline holds about a caller (a data-subject request under PIPL or
 * GDPR): call records, service history, callback requests, voicemail messages and their audio,
 * and recordings (by the recordings module's own deletion, which keeps those on legal hold).
 * `numbers` are every form the caller's number may have arrived in (13812345678, +8613812345678):
 * each is looked up as given, separators aside. A dry run only reports.
 */
export async function eraseCaller(
  deps: EraseDeps,
  numbers: readonly string[],
  opts: { dryRun?: boolean } = {},
): Promise<ErasureReport> {
  const bad = numbers.filter((n) => !/^\+?\d{3,32}$/.test(digitsOf(n)) || /[^\d+\s().-]/.test(n));
  if (numbers.length === 0 || bad.length > 0)
    throw new HotlineError(
      'CONFIG_INVALID',
      'give each caller number as 3 to 32 digits (a leading + and spaces, dashes, dots, brackets allowed)',
    );
  const given = [...new Set(numbers.map(digitsOf))];
  const dryRun = opts.dryRun === true;
  const hashes = [...new Set(given.map((n) => deps.hash(n)))];
  const report: ErasureReport = {
    numbers: given.map((n) => maskNumber(n)),
    dryRun,
    callRecords: { erased: [], inProgress: [] },
    history: 0,
    callbacks: { erased: [] },
    voicemails: { erased: [], audioDeleted: 0 },
    recordings: undefined,
    complete: false,
  };
  for (const h of hashes) {
    for (const r of await deps.calls.findByCaller(h)) {
      // A call still going is rewritten by its controller until it ends: erase it after.
      if (r.state === 'active') report.callRecords.inProgress.push(r.id);
      else {
        if (!dryRun) await deps.calls.remove(r.id);
        report.callRecords.erased.push(r.id);
      }
    }
  }
  // Redis sets come back in no fixed order: the report lists ids sorted, the same every time.
  report.callRecords.erased.sort();
  report.callRecords.inProgress.sort();
  for (const n of given) if (await deps.history.forget(n, { dryRun })) report.history++;
  const left = await deps.requests.eraseCaller({ numbers: given, hashes }, { dryRun });
  report.callbacks.erased = left.callbacks.map((c) => c.callId);
  report.voicemails.erased = left.voicemails.map((v) => v.callId);
  if (!dryRun)
    for (const v of left.voicemails)
      if (await deps.removeVoicemailAudio(v.recording)) report.voicemails.audioDeleted++;
  if (deps.recordings)
    report.recordings = await eraseCallerRecordings(deps.recordings, hashes, { dryRun });
  const r = report.recordings;
  report.complete =
    report.callRecords.inProgress.length === 0 &&
    (!r || r.busy.length + r.pending.length + r.failed.length === 0);
  deps.log.info(
    {
      numbers: report.numbers,
      dryRun,
      callRecords: report.callRecords.erased.length,
      history: report.history,
      callbacks: report.callbacks.erased.length,
      voicemails: report.voicemails.erased.length,
      recordings: r?.deleted.length,
      held: r?.held.length,
      complete: report.complete,
    },
    dryRun ? 'caller data found (dry run)' : 'caller data erased',
  );
  return report;
}

/** Voicemail audio as the media servers wrote it: `<name>.wav` in any of their recording folders. */
export function voicemailAudioRemover(
  recordingDirs: readonly string[],
): (recording: string) => Promise<boolean> {
  return async (recording) => {
    // The name comes from Redis: never let it reach outside the folders.
    if (!/^[\w.-]+$/.test(recording) || recording.includes('..')) return false;
    let removed = false;
    for (const dir of new Set(recordingDirs)) {
      const file = join(dir, `${recording}.wav`);
      const existed = await rm(file).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return false;
          throw err;
        },
      );
      removed ||= existed;
    }
    return removed;
  };
}

/** The report for people: what was found and removed, and what is left and why. */
export function describeErasure(r: ErasureReport): string[] {
  const verb = r.dryRun ? 'would erase' : 'erased';
  const lines = [`caller ${r.numbers.join(', ')}${r.dryRun ? ' (dry run: nothing changed)' : ''}`];
  lines.push(`  call records: ${verb} ${r.callRecords.erased.length}${list(r.callRecords.erased)}`);
  if (r.callRecords.inProgress.length > 0)
    lines.push(
      `  call records: ${r.callRecords.inProgress.length} of calls in progress left; run again once they end${list(r.callRecords.inProgress)}`,
    );
  lines.push(`  service history: ${verb} ${r.history}`);
  lines.push(
    `  callback requests: ${verb} ${r.callbacks.erased.length}${list(r.callbacks.erased)}`,
  );
  lines.push(
    `  voicemail messages: ${verb} ${r.voicemails.erased.length}${r.dryRun ? '' : ` (${r.voicemails.audioDeleted} audio files deleted)`}${list(r.voicemails.erased)}`,
  );
  const rec = r.recordings;
  if (!rec) lines.push('  recordings: recording is off (none kept)');
  else {
    lines.push(`  recordings: ${verb} ${rec.deleted.length}${list(rec.deleted)}`);
    if (rec.held.length > 0)
      lines.push(`  recordings on legal hold, kept: ${rec.held.length}${list(rec.held)}`);
    if (rec.busy.length > 0)
      lines.push(
        `  recordings being moved right now: ${rec.busy.length}; run again shortly${list(rec.busy)}`,
      );
    if (rec.pending.length > 0)
      lines.push(
        `  recordings not stored yet: ${rec.pending.length}; run again once stored${list(rec.pending)}`,
      );
    for (const f of rec.failed) lines.push(`  recording ${f.id} failed: ${f.code} ${f.message}`);
  }
  const held = rec?.held.length ? ' but the recordings on legal hold' : '';
  lines.push(
    r.complete
      ? r.dryRun
        ? `nothing would be left behind${held}`
        : `done: nothing left behind${held}`
      : 'not complete: see above',
  );
  return lines;
}

const list = (ids: readonly string[]): string =>
  ids.length === 0 ? '' : ` (${ids.slice(0, 20).join(' ')}${ids.length > 20 ? ' …' : ''})`;
