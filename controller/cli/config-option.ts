import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';

/** --config FILE, else $HOTLINE_CONFIG, else defaults (the local lab) plus environment. */
export function configFrom(opts: { config?: string }): {
  config: Config;
  file: string | undefined;
} {
  const file = opts.config ?? process.env.HOTLINE_CONFIG;
  return { config: loadConfig({ file }), file };
}
