import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * The speech engine suite: real pocketsphinx_continuous, espeak-ng and sox, no Asterisk. Separate
 * from `unit` (it takes about two minutes on two cores) and from `lab`:
 *   npx vitest run --config test/speech/vitest.config.ts
 * The 8 kHz models are the ones shipped in media/speech/models/ (HOTLINE_SPEECH_MODELS_DIR
 * overrides them, as in production).
 */
const root = join(import.meta.dirname, '..', '..');

export default defineConfig({
  root,
  test: {
    name: 'speech',
    include: ['test/speech/**/*.test.ts'],
    environment: 'node',
    reporters: ['default', './test/summary-reporter.ts'],
    // One file at a time: each recognition already runs two engine processes on a 2-core machine.
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
