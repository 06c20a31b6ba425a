import { loadConfig } from '../../controller/config/load.js';
import type { Config } from '../../controller/config/schema.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../controller/util/project-root.js';

/**
 * The lab as the tests see it: the default lab configuration, with a Redis database of its own
 * so test records never mix with a running lab's, and the test flows (test/lab/flows) rather than
 * the samples, so 4008001234 runs the built-in welcome flow. HOTLINE_* variables still apply.
 */
export function labConfig(): Config {
  const base = loadConfig({ env: process.env });
  const url = new URL(base.redis.url);
  url.pathname = '/15';
  // The speech models: HOTLINE_SPEECH_MODELS_DIR, else the workspace copy beside the checkout.
  const workspaceModels = join(PROJECT_ROOT, '..', 'shared', 'models');
  const speech = base.speech.modelsDir || !existsSync(workspaceModels) ? base.speech : { ...base.speech, modelsDir: workspaceModels };
  return { ...base, speech, flows: { ...base.flows, dir: join(PROJECT_ROOT, 'test', 'lab', 'flows'), watch: false }, redis: { ...base.redis, url: url.toString(), keyPrefix: 'hotline-test:' }, log: { ...base.log, level: process.env.TEST_LOG_LEVEL ?? 'silent' } as Config['log'] };
}
