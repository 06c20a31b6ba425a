import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startController, type Controller } from '../../controller/main.js';
import type { Channel } from '../../controller/media-server/types.js';
import { welcomeFlow } from '../../controller/ivr/welcome-flow.js';
import { runSipp } from '../../tools/sipp/sipp.js';
import { recordOf, silentLog, waitReady } from './harness.js';
import { labConfig } from './lab-config.js';

/** Real calls: SIPp caller -> Asterisk (PJSIP, dialplan) -> ARI -> the controller, on loopback. */
describe('calls through the lab', () => {
  let controller: Controller;
  const seen: Channel[] = [];

  beforeAll(async () => {
    const config = labConfig();
    controller = await startController(
      { ...config, session: { ...config.session, digitTimeoutMs: 2000 } },
      {
        log: silentLog,
        http: false,
        flow: (call) => {
          seen.push(call.channel);
          return welcomeFlow(call);
        },
      },
    );
    await waitReady(controller.servers[0]!);
  });

  afterAll(async () => {
    await controller.stop(5000);
  });

  it('answers 4008001234, hears DTMF 1, reads it back and hangs up', async () => {
    const sipp = await runSipp({
      scenario: 'uac-400-dtmf-expect-bye',
      service: '4008001234',
      dtmf: '1',
      timeoutMs: 30_000,
    });
    expect(sipp.exitCode, sipp.errors).toBe(0);
    expect(sipp.successful).toBe(1);
    const record = await recordOf(controller.store, sipp.callId(1));
    expect(record).toBeDefined();
    expect(record?.digits).toBe('1');
    expect(record?.outcome).toBe('completed');
    expect(record?.hangupBy).toBe('controller');
    expect(record?.callerMasked).toBe('138****5678');
    const steps = record?.timeline.map((t) => t.what) ?? [];
    expect(steps).toContain('answered');
    expect(steps).toContain('dtmf 1');
    expect(steps).toContain('barge-in');
    expect(steps.some((s) => s.includes('digits:1'))).toBe(true);
  });

  it('cleans up fully when the caller hangs up during the prompt', async () => {
    const before = seen.length;
    const sipp = await runSipp({
      scenario: 'uac-400-hangup-during-prompt',
      service: '4008001234',
      timeoutMs: 30_000,
    });
    expect(sipp.exitCode, sipp.errors).toBe(0);
    const record = await recordOf(controller.store, sipp.callId(1));
    expect(record?.outcome).toBe('caller-hangup');
    expect(record?.hangupBy).toBe('caller');
    const channel = seen[before];
    expect(channel).toBeDefined();
    expect(channel?.ended.aborted).toBe(true);
    expect(channel?.listenerCount()).toBe(0);
    const server = controller.servers[0]!;
    const live = await server.liveState({ timeoutMs: 5000 });
    expect(live.channels.filter((c) => c.id === channel?.id)).toEqual([]);
    expect(live.bridges).toEqual([]);
    const playbacks = (record?.timeline ?? [])
      .map((t) => /\(playback ([^)]+)\)/.exec(t.what)?.[1])
      .filter((id): id is string => !!id);
    expect(playbacks.length).toBeGreaterThan(0);
    for (const id of playbacks)
      expect(await server.playbackExists(id, { timeoutMs: 5000 })).toBe(false);
    expect(controller.runner.liveCalls()).toEqual([]);
  });

  it('refuses a number that is not a 400 number in the dialplan (404); the controller never sees it', async () => {
    const before = seen.length;
    const sipp = await runSipp({
      scenario: 'uac-unknown-number-expect-404',
      service: '95566',
      timeoutMs: 15_000,
    });
    expect(sipp.exitCode, sipp.errors).toBe(0);
    expect(sipp.successful).toBe(1);
    expect(seen.length).toBe(before);
  });

  it('takes the no-input path when the caller presses nothing', async () => {
    const sipp = await runSipp({
      scenario: 'uac-400-dtmf-expect-bye',
      service: '4008009999',
      timeoutMs: 30_000,
    });
    expect(sipp.exitCode, sipp.errors).toBe(0);
    const record = await recordOf(controller.store, sipp.callId(1));
    expect(record?.outcome).toBe('no-input');
    expect(record?.digits).toBe('');
    expect(record?.hangupBy).toBe('controller');
  });
});
