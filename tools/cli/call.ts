import { Redis } from 'ioredis';
import { RedisCallRecordStore } from '../../controller/calls/redis-store.js';
import type { CallRecord } from '../../controller/calls/record.js';
import { sleep } from '../../lib/wait.js';
import { runSipp } from '../sipp/sipp.js';
import { configFrom } from '../../controller/cli/config-option.js';

export interface CallReport {
  number: string;
  ok: boolean;
  answered: boolean;
  setupMs: number | undefined;
  dtmfSent: string;
  dtmfHeard: string | undefined;
  hangupBy: string | undefined;
  outcome: string | undefined;
  durationMs: number | undefined;
  sipCallId: string;
  problem?: string | undefined;
}

/** Places one SIPp call into the lab and reports it from the controller's own record. */
export async function callCommand(number: string, opts: { dtmf?: string; json: boolean; config?: string; caller?: string }): Promise<CallReport> {
  const { config } = configFrom(opts);
  const dtmf = opts.dtmf ?? '';
  const sipp = await runSipp({ scenario: 'uac-400-dtmf-expect-bye', service: number, dtmf, timeoutMs: 40_000, callerNumber: opts.caller ?? '13812345678' });
  const sipCallId = sipp.callId(1);
  const record = await findRecord(config.redis.url, config.redis.keyPrefix, sipCallId);
  const heard = record?.digits;
  const answered = sipp.successful === 1 || record?.answeredAt !== undefined;
  // A comma in --dtmf is a pause, not a key.
  const keys = dtmf.replaceAll(',', '');
  const keysOk = keys === '' ? true : heard !== undefined && heard.length > 0 && keys.startsWith(heard);
  const ok = sipp.exitCode === 0 && sipp.successful === 1 && record?.state === 'ended' && keysOk;
  const report: CallReport = {
    number,
    ok,
    answered,
    setupMs: sipp.setupMs[0],
    dtmfSent: dtmf,
    dtmfHeard: heard,
    hangupBy: record?.hangupBy,
    outcome: record?.outcome,
    durationMs: record?.endedAt && record.answeredAt ? Date.parse(record.endedAt) - Date.parse(record.answeredAt) : undefined,
    sipCallId,
    problem: ok ? undefined : describeProblem(sipp.exitCode, sipp.errors, record),
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    process.stdout.write(
      [
        `call ${number}: ${ok ? 'OK' : 'FAILED'}`,
        `  answered      ${answered ? 'yes' : 'no'}${report.setupMs !== undefined ? ` (INVITE to 200 OK: ${report.setupMs} ms)` : ''}`,
        `  DTMF sent     ${dtmf || '-'}`,
        `  DTMF heard    ${heard || '-'}`,
        `  hung up by    ${report.hangupBy ?? '-'}`,
        `  outcome       ${report.outcome ?? '-'}`,
        `  duration      ${report.durationMs !== undefined ? `${(report.durationMs / 1000).toFixed(2)} s` : '-'}`,
        ...(report.problem ? [`  problem       ${report.problem}`] : []),
      ].join('\n') + '\n',
    );
  }
  if (!ok) process.exitCode = 1;
  return report;
}

async function findRecord(url: string, prefix: string, sipCallId: string): Promise<CallRecord | undefined> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const store = new RedisCallRecordStore(redis, prefix, 60);
    // The controller writes the final record just after its BYE; give it a moment.
    for (let i = 0; i < 20; i++) {
      const record = await store.findBySipCallId(sipCallId);
      if (record?.state === 'ended') return record;
      if (i === 19) return record;
      await sleep(100);
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

function describeProblem(exitCode: number, errors: string, record: CallRecord | undefined): string {
  const refused = /received 'SIP\/2\.0 (\d{3}) ([^\r\n]*)/.exec(errors);
  if (refused) return `the PBX refused the call: ${refused[1]} ${refused[2]}`;
  if (!record) return `no record of the call at the controller (is it running? sipp exit ${exitCode})`;
  return `sipp exit ${exitCode}, controller outcome ${record.outcome ?? 'unknown'}`;
}
