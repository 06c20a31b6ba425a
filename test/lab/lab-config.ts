import { loadConfig } from '../../controller/config/load.js';
import type { Config } from '../../controller/config/schema.js';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root.js';

/**
 * The lab as the tests see it: the default lab configuration, with a Redis database of its own
 * so test records never mix with a running lab's, and the test flows (test/lab/flows) rather than
 * the samples, so 4008001234 runs the built-in welcome flow. HOTLINE_* variables still apply.
 */
export function labConfig(): Config {
  const base = loadConfig({ env: process.env });
  const url = new URL(base.redis.url);
  url.pathname = '/15';
  // Recordings of the lab tests stay apart from a running lab's, and no worker moves them unasked.
  const media = base.mediaServers[0];
  const recordings: Config['recordings'] = {
    ...base.recordings,
    hotDir: join(media?.recordingsDir ?? '/tmp', 'hot-test'),
    warm: { ...base.recordings.warm, dir: '/tmp/hotline-test-recordings/warm' },
    cold: { driver: 'folder', dir: '/tmp/hotline-test-recordings/cold' },
    keyFile: '/tmp/hotline-test-recordings/keys.json',
    worker: { ...base.recordings.worker, mode: 'off' },
  };
  return {
    ...base,
    recordings,
    flows: { ...base.flows, dir: join(PROJECT_ROOT, 'test', 'lab', 'flows'), watch: false },
    redis: { ...base.redis, url: url.toString(), keyPrefix: 'hotline-test:' },
    log: { ...base.log, level: process.env.TEST_LOG_LEVEL ?? 'silent' } as Config['log'],
  };
}
