import { describe, inject, it } from 'vitest';

/**
 * What the lab's global setup did about real FreeSWITCH, handed to the test files: it runs, the
 * machine has no way to get it (a bare clone without the source kit), or it failed to start.
 */
export type FreeswitchLabState =
  | { state: 'running'; pid: number }
  | { state: 'missing'; reason: string }
  | { state: 'failed'; reason: string };

declare module 'vitest' {
  export interface ProvidedContext {
    freeswitchLab: FreeswitchLabState;
  }
}

/**
 * A suite on the real FreeSWITCH lab. Where there is none, the suite does not pass silently: it
 * prints that it did not run and shows as a skipped test saying so; where it failed to start, it
 * fails with the reason.
 */
export function describeOnFreeswitch(name: string, body: () => void): void {
  const lab = inject('freeswitchLab');
  if (lab.state === 'running') {
    describe(name, body);
    return;
  }
  if (lab.state === 'missing') {
    const line = `${lab.reason}: real-FreeSWITCH suites NOT RUN`;
    process.stderr.write(`\n!!! ${line} (${name})\n\n`);
    describe(name, () => {
      it.skip(line, () => undefined);
    });
    return;
  }
  describe(name, () => {
    it('starts the FreeSWITCH lab', () => {
      throw new Error(`the FreeSWITCH lab did not start: ${lab.reason}`);
    });
  });
}
