import { Redis } from 'ioredis';
import { RedisCallRecordStore } from '../../controller/calls/redis-store.js';
import type { CallOutcome, CallRecord } from '../../controller/calls/record.js';
import { sleep } from '../../lib/wait.js';
import { runSipp } from '../sipp/sipp.js';
import { configFrom } from '../../controller/cli/config-option.js';
import { describeOutcome, judgeCall } from './call-outcome.js';

export interface CallReport {
  number: string;
  ok: boolean;
  answered: boolean;
  setupMs: number | undefined;
  dtmfSent: string;
  dtmfHeard: string | undefined;
  hangupBy: string | undefined;
  outcome: string | undefined;
  /** The flow nodes the call passed. */
  path?: string[] | undefined;
  /** What happened, in plain words. */
  summary: string;
  /** The outcomes asked for with --expect. */
  expected?: string[] | undefined;
  durationMs: number | undefined;
  sipCallId: string;
  problem?: string | undefined;
}

/** How long the caller waits for the hotline to hang up (the scenario's BYE timeout). */
const BYE_TIMEOUT_MS = 30_000;

export interface CallOptions {
  dtmf?: string;
  json: boolean;
  config?: string;
  caller?: string;
  /** Outcomes that count as success (`--expect`); none: the hotline must hang up and hear the keys. */
  expect?: readonly CallOutcome[] | undefined;
  /** Print nothing (the demo prints its own lines). */
  quiet?: boolean;
}

/** Places one SIPp call into the lab and reports it from the controller's own record. */
export async function callCommand(number: string, opts: CallOptions): Promise<CallReport> {
  const { config } = configFrom(opts);
  const dtmf = opts.dtmf ?? '';
  const sipp = await runSipp({
    scenario: 'uac-400-dtmf-expect-bye',
    service: number,
    dtmf,
    timeoutMs: 40_000 + keysMs(dtmf),
    callerNumber: opts.caller ?? '13812345678',
  });
  const sipCallId = sipp.callId(1);
  const record = await findRecord(config.redis.url, config.redis.keyPrefix, sipCallId);
  const heard = record?.digits;
  const answered = sipp.successful === 1 || record?.answeredAt !== undefined;
  // A comma in --dtmf is a pause, not a key.
  const keys = dtmf.replaceAll(',', '');
  const { ok, problem } = judgeCall(
    {
      sippExit: sipp.exitCode,
      sippSuccessful: sipp.successful === 1,
      sippErrors: sipp.errors,
      answered,
      record,
      keys,
      byeTimeoutMs: BYE_TIMEOUT_MS,
    },
    opts.expect,
  );
  const report: CallReport = {
    number,
    ok,
    answered,
    setupMs: sipp.setupMs[0],
    dtmfSent: dtmf,
    dtmfHeard: heard,
    hangupBy: record?.hangupBy,
    outcome: record?.outcome,
    path: record?.path,
    summary: describeOutcome(record?.state === 'ended' ? record : undefined),
    expected: opts.expect ? [...opts.expect] : undefined,
    durationMs:
      record?.endedAt && record.answeredAt
        ? Date.parse(record.endedAt) - Date.parse(record.answeredAt)
        : undefined,
    sipCallId,
    problem,
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else if (!opts.quiet) process.stdout.write(formatReport(report));
  if (!ok) process.exitCode = 1;
  return report;
}

/** The human-readable report: one line per fact, then what happened in plain words. */
export function formatReport(report: CallReport): string {
  return (
    [
      `call ${report.number}: ${report.ok ? 'OK' : 'FAILED'}`,
      `  answered      ${report.answered ? 'yes' : 'no'}${report.setupMs !== undefined ? ` (INVITE to 200 OK: ${report.setupMs} ms)` : ''}`,
      `  DTMF sent     ${report.dtmfSent || '-'}`,
      `  DTMF heard    ${report.dtmfHeard || '-'}`,
      `  hung up by    ${report.hangupBy ?? '-'}`,
      `  outcome       ${report.outcome ?? '-'}${report.expected ? ` (expected ${report.expected.join(' or ')})` : ''}`,
      `  duration      ${report.durationMs !== undefined ? `${(report.durationMs / 1000).toFixed(2)} s` : '-'}`,
      `  what happened ${report.summary}`,
      ...(report.problem ? [`  problem       ${report.problem}`] : []),
    ].join('\n') + '\n'
  );
}

async function findRecord(
  url: string,
  prefix: string,
  sipCallId: string,
): Promise<CallRecord | undefined> {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    lazyConnect: true,
  });
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

/** How long the keys take to send (',' a second, a key 400 ms): the run's deadline grows by it. */
function keysMs(dtmf: string): number {
  return [...dtmf].reduce((ms, k) => ms + (k === ',' ? 1000 : 400), 0);
}
