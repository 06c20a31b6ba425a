import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { HotlineError } from '../lib/errors.js';
import { RedisCatalogue } from './catalogue/redis.js';
import type { RecordingsConfig } from './config.js';
import { Keyring } from './crypto/keyring.js';
import { loadKeyFile } from './crypto/key-file.js';
import type { RecordingsDeps } from './deps.js';
import { folderStorage } from './storage/folder.js';
import { s3Storage } from './storage/s3.js';
import type { StorageDriver } from './storage/types.js';

/** Builds the recording lifecycle's dependencies from configuration (controller and CLI alike). */
export async function recordingsFromConfig(
  config: RecordingsConfig,
  ctx: {
    redis: Redis;
    keyPrefix: string;
    mediaRecordingsDir: string | undefined;
    log: Logger;
    now?: () => Date;
  },
): Promise<RecordingsDeps> {
  const hotDir =
    config.hotDir || (ctx.mediaRecordingsDir ? join(ctx.mediaRecordingsDir, 'hot') : '');
  if (!hotDir)
    throw new HotlineError('CONFIG_INVALID', '[recordings] no hot folder: set recordings.hotDir');
  const cold: StorageDriver =
    config.cold.driver === 'folder'
      ? folderStorage({ name: 'cold', root: config.cold.dir, log: ctx.log })
      : s3Storage({
          name: 'cold',
          ...(config.cold.endpoint === undefined ? {} : { endpoint: config.cold.endpoint }),
          region: config.cold.region,
          bucket: config.cold.bucket,
          prefix: config.cold.prefix,
          accessKeyId: config.cold.accessKeyId,
          secretAccessKey: config.cold.secretAccessKey,
          storageClass: config.cold.storageClass,
          forcePathStyle: config.cold.forcePathStyle,
          log: ctx.log,
        });
  const dirs = [
    hotDir,
    config.warm.dir,
    config.cold.driver === 'folder' ? config.cold.dir : undefined,
  ].filter((d): d is string => d !== undefined);
  // Two tiers in one folder would see each other's copies as their own, and delete them as stale.
  if (new Set(dirs).size !== dirs.length)
    throw new HotlineError(
      'CONFIG_INVALID',
      '[recordings] the hot, warm and cold folders must differ',
    );
  const keyPath = config.keyFile;
  const { keys, created } = await loadKeyFile(keyPath, { create: true });
  if (created)
    ctx.log.warn(
      { keyFile: keyPath },
      'created a recordings master key; back it up: without it no recording can be played',
    );
  return {
    tiers: {
      hot: folderStorage({ name: 'hot', root: hotDir, log: ctx.log }),
      warm: folderStorage({ name: 'warm', root: config.warm.dir, log: ctx.log }),
      cold,
    },
    catalogue: new RedisCatalogue(ctx.redis, ctx.keyPrefix),
    keyring: new Keyring({ current: keys.current, keys: keys.keys }),
    policy: config.policy,
    callerHashSecret: keys.callerHashSecret,
    now: ctx.now ?? (() => new Date()),
    log: ctx.log,
    bitrateKbps: config.warm.bitrateKbps,
    stepTimeoutMs: config.stepTimeoutSeconds * 1000,
    lockMs: config.worker.lockSeconds * 1000,
  };
}
