import { Redis } from 'ioredis';
import { pino } from 'pino';
import { HotlineError } from '../../../lib/errors.js';
import { recordingsFromConfig } from '../../../recordings/setup.js';
import { ServiceHistory } from '../../acd/history.js';
import { RedisCallRecordStore } from '../../calls/redis-store.js';
import { IvrRequests } from '../../ivr/requests.js';
import { callerHasher, loadCallerSecret } from '../../privacy/caller-hash.js';
import { describeErasure, eraseCaller, voicemailAudioRemover } from '../../privacy/erase.js';
import { configFrom } from '../config-option.js';

/**
 * `hotline privacy erase --number N [--number M] [--dry-run] [--json]`: what hotline holds about
 * a caller, found and deleted (data-subject requests). Exit 1 when something is left to do later
 * (calls in progress, recordings being moved or not yet stored, failures).
 */
export async function privacyEraseCommand(opts: {
  config?: string;
  number: string[];
  dryRun?: boolean;
  json?: boolean;
}): Promise<void> {
  const { config } = configFrom(opts);
  if (opts.number.length === 0)
    throw new HotlineError(
      'CONFIG_INVALID',
      'give the caller number: --number 13812345678 (repeat for every form it may have arrived in)',
    );
  const redis = new Redis(config.redis.url, {
    maxRetriesPerRequest: 2,
    connectTimeout: 3000,
    lazyConnect: true,
  });
  redis.on('error', () => undefined);
  const log = pino(
    { level: process.env.HOTLINE_LOG_LEVEL ?? 'warn', base: { cli: 'privacy' } },
    pino.destination(2),
  );
  try {
    await redis.connect().catch((err: unknown) => {
      throw new HotlineError(
        'STORAGE_UNAVAILABLE',
        `Redis unreachable at the configured URL: ${String(err)}`,
      );
    });
    const secret = await loadCallerSecret(config);
    const prefix = config.redis.keyPrefix;
    const recordings = config.recordings.enabled
      ? await recordingsFromConfig(config.recordings, {
          redis,
          keyPrefix: prefix,
          mediaRecordingsDir: config.mediaServers[0]?.recordingsDir,
          log,
        })
      : undefined;
    const report = await eraseCaller(
      {
        hash: callerHasher(secret),
        calls: new RedisCallRecordStore(redis, prefix, config.redis.callRecordTtlSeconds),
        // The window only matters when remembering; forgetting finds the entry whatever it is.
        history: new ServiceHistory(redis, prefix, 1, secret),
        requests: new IvrRequests(redis, prefix, config.flows.requestsRetentionDays * 86_400),
        removeVoicemailAudio: voicemailAudioRemover(
          config.mediaServers.map((s) => s.recordingsDir),
        ),
        recordings,
        log,
      },
      opts.number,
      { dryRun: opts.dryRun === true },
    );
    process.stdout.write(
      opts.json ? `${JSON.stringify(report)}\n` : `${describeErasure(report).join('\n')}\n`,
    );
    if (!report.complete) process.exitCode = 1;
  } finally {
    redis.disconnect();
  }
}
