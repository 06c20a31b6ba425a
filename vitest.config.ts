import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (no outside systems, parallel) and `lab` (real Asterisk, Redis and SIPp on
 * loopback, one file at a time because they share one Asterisk).
 */
export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'lib/**/*.test.ts',
            'controller/**/*.test.ts',
            'tools/**/*.test.ts',
            'dialplan/**/*.test.ts',
            'test/freeswitch/**/*.test.ts',
            'test/esl-peer/**/*.test.ts',
            'media/**/*.test.ts',
            'recordings/**/*.test.ts',
            'test/unit/**/*.test.ts',
            'test/contract/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/lab/global-setup.ts'],
          pool: 'forks',
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
