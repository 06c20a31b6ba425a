import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labPaths } from '../../tools/lab/paths.js';
import { endpointCount } from '../../tools/load/lab-asterisk.js';
import { compare, markdown } from '../../tools/load/report.js';
import { runLoad, type LoadOptions } from '../../tools/load/run.js';
import { labConfig } from './lab-config.js';

/**
 * `hotline load` at a small scale on the real lab: generated agents answered by SIPp phones on two
 * loopback addresses, callers through a one-key IVR into the queue, first through the controller
 * (a real controller process), then through app_queue alone. Every call must reach an agent and
 * stay bridged until the agent hangs up; the lab's Asterisk must be left without the generated files.
 */
describe('hotline load on the lab', () => {
  const config = labConfig();
  const paths = labPaths(config.lab);
  const options: LoadOptions = {
    agents: 8,
    addresses: 2,
    cps: 4,
    rampSeconds: 0,
    calls: 12,
    dtmf: '1',
    talkSeconds: 1,
    audio: true,
    strategy: 'longest-idle',
    record: false,
    logLevel: 'warn',
    service: '4008001234',
    maxCalls: 0,
    maxNewPerSecond: 0,
  };
  const env = { config, configFile: undefined, paths, progress: () => undefined };

  it('routes and bridges every call through the controller and through app_queue, and reports both', async () => {
    const hotline = await runLoad('hotline', options, env);
    expect(hotline.calls).toMatchObject({
      attempts: 12,
      established: 12,
      rung: 12,
      bridged: 12,
      failed: 0,
      bridgedPercent: 100,
    });
    expect(hotline.calls.outcomes).toEqual({ connected: 12 });
    expect(hotline.leftoverChannels).toBe(0);
    expect(hotline.calls.doubleBooked).toBe(0);
    expect(hotline.calls.controllerQueueToRingMs?.n).toBe(12);
    expect(hotline.calls.queueToAgentMs?.n).toBe(12);
    expect(hotline.usage.groups['controller']?.rssMb.peak).toBeGreaterThan(20);
    expect(hotline.usage.groups['sipp-phones']?.cpuPercent.peak).toBeGreaterThan(0);
    const baseline = await runLoad('app_queue', options, env);
    expect(baseline.calls).toMatchObject({
      attempts: 12,
      established: 12,
      rung: 12,
      bridged: 12,
      bridgedPercent: 100,
    });
    expect(baseline.calls.queueToAgentMs?.n).toBe(12);
    expect(baseline.leftoverChannels).toBe(0);
    expect(baseline.usage.groups['controller']).toBeUndefined();
    const side = compare(hotline, baseline);
    expect(side.ratios['bridgedPercent']).toBe(1);
    expect(markdown(side)).toContain(
      '| routed and bridged to an agent | 12 (100 %) | 12 (100 %) |',
    );
    // The lab is left as it was.
    expect(existsSync(join(paths.root, 'etc', 'asterisk', 'pjsip_load.conf'))).toBe(false);
    expect(await endpointCount(paths, 'load-')).toBe(0);
  }, 120_000);
});
