import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type Controller } from '../../controller/main.js';
import { runSipp } from '../../tools/sipp/sipp.js';
import { recordOf, silentLog, waitReady } from './harness.js';
import { labConfig } from './lab-config.js';

/** Overload control on real calls: real Asterisk, SIPp callers, one call allowed in at a time. */
describe('overload control on the lab', () => {
  let controller: Controller;
  beforeAll(async () => {
    const config = labConfig();
    controller = await startController(
      {
        ...config,
        overload: { ...config.overload, maxCalls: 1, refuse: 'reject' },
        session: { ...config.session, digitTimeoutMs: 3000 },
      },
      { log: silentLog, http: false },
    );
    await waitReady(controller.servers[0]!);
  });
  afterAll(async () => {
    await controller.stop(5000);
  });

  it(
    'a call beyond the limit gets 503 before answer; the call ' +
      'inside is served to its end; then calls come in again',
    async () => {
      // Inside: the welcome flow waits for a key it never gets, then says goodbye (about 6 s).
      const inside = runSipp({
        scenario: 'uac-400-dtmf-expect-bye',
        service: '4008001234',
        timeoutMs: 30_000,
      });
      await expect.poll(() => controller.runner.liveCalls().length, { timeout: 5000 }).toBe(1);
      const turned = await runSipp({
        scenario: 'uac-400-no-controller-expect-503',
        service: '4008001234',
        timeoutMs: 15_000,
      });
      expect(turned.exitCode, turned.errors).toBe(0);
      expect(await recordOf(controller.store, turned.callId(1))).toMatchObject({
        outcome: 'refused',
        hangupBy: 'controller',
      });
      const first = await inside;
      expect(first.exitCode, first.errors).toBe(0);
      expect(await recordOf(controller.store, first.callId(1))).toMatchObject({
        outcome: 'no-input',
      });
      const after = await runSipp({
        scenario: 'uac-400-dtmf-expect-bye',
        service: '4008001234',
        dtmf: '1',
        timeoutMs: 30_000,
      });
      expect(after.exitCode, after.errors).toBe(0);
      expect(await recordOf(controller.store, after.callId(1))).toMatchObject({
        outcome: 'completed',
        digits: '1',
      });
      expect(controller.runner.admission.refused).toEqual({ calls: 1, rate: 0 });
    },
    60_000,
  );
});
