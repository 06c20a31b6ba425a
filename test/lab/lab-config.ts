import { loadConfig } from '../../controller/config/load.js';
import type { Config } from '../../controller/config/schema.js';

/**
 * The lab as the tests see it: the default lab configuration, with a Redis database of its own
 * so test records never mix with a running lab's. HOTLINE_* variables still apply.
 */
export function labConfig(): Config {
  const base = loadConfig({ env: process.env });
  const url = new URL(base.redis.url);
  url.pathname = '/15';
  return { ...base, redis: { ...base.redis, url: url.toString(), keyPrefix: 'hotline-test:' }, log: { ...base.log, level: process.env.TEST_LOG_LEVEL ?? 'silent' } as Config['log'] };
}
