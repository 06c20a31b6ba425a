import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readCatalogue } from '../../media/prompts.js';
import { loadConfig } from '../../controller/config/load.js';
import { loadFlowFolder } from '../../controller/ivr/load.js';
import { indexPrompts } from '../../controller/ivr/prompt-index.js';
import { loadRouting } from '../../controller/acd/config-load.js';
import { loadOptions, type LoadCommandOptions } from '../cli/load.js';
import { APP_QUEUE_STRATEGY, extensionsLoadConf, queuesConf } from './baseline.js';
import { LOAD_KEY_PREFIX, writeHotlineFiles } from './hotline-files.js';
import { loadAgents, phoneAddresses, pjsipLoadConf } from './lab-agents.js';
import { compare, markdown, type LoadReport } from './report.js';
import { callFigures, doubleBookings, matchSteps, percentiles } from './timings.js';
import { scrapeEventLoop } from './event-loop.js';

const queue = {
  strategy: 'longest-idle' as const,
  noAnswerSeconds: 15,
  maxWaitSeconds: 120,
  announceEverySeconds: 30,
};

describe('generated agents', () => {
  it('spreads agents over loopback addresses away from the lab’s own, one endpoint and AOR each', () => {
    const agents = loadAgents(5, 2);
    expect(agents.map((a) => a.address)).toEqual([
      '127.0.2.1',
      '127.0.2.2',
      '127.0.2.1',
      '127.0.2.2',
      '127.0.2.1',
    ]);
    expect(agents[0]).toEqual({
      id: 'load-00001',
      endpoint: 'PJSIP/load-00001',
      address: '127.0.2.1',
    });
    const conf = pjsipLoadConf(agents);
    expect(conf.match(/^\[load-\d{5}\]\(agent-template\)$/gm)).toHaveLength(5);
    expect(conf).toContain('contact = sip:load-00004@127.0.2.2:5080');
    // Baseline callers come from their own address into the baseline context.
    expect(conf).toMatch(/\[load-baseline-callers\]\(agent-template\)\ncontext = load-baseline/);
    expect(conf).toContain('match = 127.0.3.1/32');
  });

  it('refuses counts it cannot serve', () => {
    expect(() => loadAgents(0, 1)).toThrow(RangeError);
    expect(() => loadAgents(20_001, 1)).toThrow(RangeError);
    expect(() => phoneAddresses(0)).toThrow(RangeError);
    expect(() => phoneAddresses(201)).toThrow(RangeError);
  });
});

describe('app_queue baseline', () => {
  it('has every agent as a static member and the closest app_queue strategy', () => {
    const conf = queuesConf(loadAgents(3, 1), { ...queue, strategy: 'weighted-round-robin' });
    expect(conf).toContain('strategy = rrmemory');
    expect(conf.match(/^member => PJSIP\/load-\d{5},0,load-\d{5}$/gm)).toHaveLength(3);
    expect(conf).toContain('ringinuse = no');
    expect(conf).toContain('timeout = 15');
    expect(APP_QUEUE_STRATEGY['longest-idle']).toBe('leastrecent');
  });

  it('reads one key per menu of the path, then queues with the wait limit', () => {
    const conf = extensionsLoadConf('1,2', '/p/menu-main', queue);
    expect(conf.match(/Read\(choice,\/p\/menu-main,1,,1,5\)/g)).toHaveLength(2);
    expect(conf).toContain('Queue(hotline-load,,,,120)');
    expect(extensionsLoadConf('', '/p/menu-main', queue)).not.toContain('Read(');
  });
});

describe('the controller under test', () => {
  it('gets routing, a flow and a configuration that its own loaders accept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-load-test-'));
    const agents = loadAgents(4, 2);
    const file = await writeHotlineFiles(dir, {
      agents,
      queue,
      keys: '1,2',
      service: '4008001234',
      record: false,
      baseConfigFile: undefined,
      redisUrl: 'redis://127.0.0.1:6399/0',
      logLevel: 'warn',
    });
    const config = loadConfig({ file, env: {} });
    expect(config.redis.url).toBe('redis://127.0.0.1:6399/13');
    expect(config.redis.keyPrefix).toBe(LOAD_KEY_PREFIX);
    expect(config.flows.watch).toBe(false);
    expect(config.log.level).toBe('warn');
    const routing = loadRouting(config.routing.dir);
    expect(routing.agents.map((a) => a.endpoint)).toEqual(agents.map((a) => a.endpoint));
    expect(routing.queues[0]).toMatchObject({
      id: 'load',
      strategy: 'longest-idle',
      record: 'never',
      wrapUpSeconds: 0,
    });
    const flows = loadFlowFolder(config.flows.dir, {
      prompts: indexPrompts(await readCatalogue()),
      queues: new Set(['load']),
    });
    expect([...flows.failed.values()]).toEqual([]);
    const flow = [...flows.flows.values()][0]!;
    expect(flow.numbers).toEqual(['4008001234']);
    expect(Object.keys(flow.nodes)).toEqual(['answer', 'menu1', 'menu2', 'queue']);
    const written = parse(readFileSync(join(config.flows.dir, 'load.yaml'), 'utf8')) as {
      nodes: Record<string, { options?: unknown }>;
    };
    expect(written.nodes['menu2']?.options).toEqual({ '2': 'queue' });
  });
});

describe('caller-to-agent timings', () => {
  const caller = [
    '1000.000000 invite 1391',
    '1000.005000 answered 1391',
    '1000.006000 keys 1391',
    '1006.200000 bye 1391',
    '1000.100000 invite 1392',
    '1000.104000 answered 1392',
    '1000.105000 keys 1392',
    '1001.000000 bye 1392',
    '1000.200000 invite 1393',
    '1000.300000 invite 1394',
    '1000.302000 refused 1394',
  ];
  const phones = [
    '1000.016000 invite sip:1391',
    '1000.200000 invite sip:1391',
    '1000.120000 acked sip:1391',
    '1000.115000 invite sip:1392',
    '1000.230000 acked sip:1392',
    '1000.300000 invite sip:9999',
    'garbage line',
  ];

  it('matches phones to callers by number, first ring wins, unknown callers ignored', () => {
    const steps = matchSteps(caller, phones);
    expect(steps.get('1391')).toEqual({
      invite: 1000,
      answered: 1000.005,
      keys: 1000.006,
      bye: 1006.2,
      agentInvite: 1000.016,
      agentAcked: 1000.12,
    });
    expect(steps.has('9999')).toBe(false);
  });

  it('counts bridged only when the call outlived the agent’s talk time', () => {
    const f = callFigures(matchSteps(caller, phones), 6000);
    expect(f).toMatchObject({ attempts: 4, established: 2, refused: 1, rung: 2, bridged: 1 });
    expect(f.setupMs).toMatchObject({ n: 2, p50: 4, max: 5 });
    expect(f.queueToAgentMs).toMatchObject({ n: 2, p50: 10, max: 10 });
    expect(f.inviteToAgentMs).toMatchObject({ n: 2, p50: 15, max: 16 });
  });

  it('counts an agent rung while on another call, and nothing else', () => {
    const log = [
      '1000.0 invite sip:1391 sip:load-00001',
      '1000.1 acked sip:1391 sip:load-00001',
      '1005.1 hangup sip:1391 sip:load-00001',
      // Rung during 1391's call: booked twice.
      '1002.0 invite sip:1392 sip:load-00001',
      // After the hang-up, and another agent at the same time: fine.
      '1005.2 invite sip:1393 sip:load-00001',
      '1002.0 invite sip:1394 sip:load-00002',
      // Old-style line without the agent: skipped.
      '1002.0 invite sip:1395',
    ];
    expect(doubleBookings(log)).toBe(1);
    expect(doubleBookings(log.filter((l) => !l.includes('1392')))).toBe(0);
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentiles([])).toBeUndefined();
    expect(percentiles(Array.from({ length: 100 }, (_, i) => i + 1))).toEqual({
      n: 100,
      p50: 50,
      p90: 90,
      p99: 99,
      max: 100,
    });
  });
});

describe('report', () => {
  const report = (system: 'hotline' | 'app_queue', cpu: number, p99: number): LoadReport => ({
    system,
    at: '2026-11-26T00:00:00.000Z',
    parameters: {
      agents: 10,
      phoneAddresses: 2,
      sessionAttemptRate: 5,
      rampSeconds: 0,
      sessionAttempts: 10,
      ivrPath: '',
      talkSeconds: 2,
      media: 'none',
      strategy: 'longest-idle',
      record: false,
      maxCalls: 0,
      maxNewPerSecond: 0,
    },
    calls: {
      attempts: 10,
      established: 10,
      refused: 0,
      bridged: 10,
      rung: 10,
      failed: 0,
      bridgedPercent: 100,
      doubleBooked: 0,
      peakStandingSessions: 4,
      setupMs: { n: 10, p50: 3, p90: 4, p99: 5, max: 5 },
      inviteToAgentMs: undefined,
      queueToAgentMs: { n: 10, p50: 1, p90: 2, p99, max: p99 },
    },
    usage: {
      machineCpuPercent: { mean: 20, peak: 30, cores: 2 },
      groups: {
        asterisk: {
          cpuPercent: { mean: cpu, peak: cpu },
          rssMb: { first: 60, peak: 70, last: 65 },
        },
      },
      samples: 5,
    },
    serverCpuPercent: cpu,
    serverCpuMsPerCall: cpu * 2,
    leftoverChannels: 0,
    wallSeconds: 4,
  });

  it('sets the two systems side by side with hotline ÷ app_queue ratios', () => {
    const c = compare(report('hotline', 30, 8), report('app_queue', 20, 4));
    expect(c.ratios).toMatchObject({
      bridgedPercent: 1,
      serverCpu: 1.5,
      queueToAgentP99: 2,
      setupP50: 1,
    });
    const md = markdown(c);
    expect(md).toContain('| routed and bridged to an agent | 10 (100 %) | 10 (100 %) |');
    expect(md).toContain('- serverCpu: 1.5');
    expect(markdown(report('hotline', 30, 8))).toContain(
      '| asterisk CPU, memory | 30 % (peak 30 %), RSS 60→65 MB (peak 70) |',
    );
  });
});

describe('hotline load options', () => {
  const base: LoadCommandOptions = {
    agents: '1000',
    cps: '50',
    ramp: '10',
    dtmf: '',
    talk: '5',
    audio: true,
    addresses: '4',
    strategy: 'longest-idle',
    record: false,
    logLevel: 'info',
    minBridged: '99.9',
    maxCalls: '0',
    maxNewPerSecond: '0',
    out: 'x',
    json: false,
    baselineOnly: false,
    ringInUse: false,
  };

  it('turns a duration into a call count including the ramp', () => {
    expect(loadOptions({ ...base, duration: '120' }).calls).toBe(6250);
    expect(loadOptions({ ...base, calls: '10' }).calls).toBe(10);
  });

  it('refuses bad values with the option’s name', () => {
    expect(() => loadOptions({ ...base, cps: 'abc' })).toThrow(/--cps/);
    expect(() => loadOptions({ ...base, agents: '1.5' })).toThrow(/--agents/);
    expect(() => loadOptions({ ...base, strategy: 'fastest' })).toThrow(/--strategy/);
    expect(() => loadOptions({ ...base, dtmf: '1;rm' })).toThrow(/--dtmf/);
    expect(() => loadOptions({ ...base, baseline: 'mod_callcenter' })).toThrow(/--baseline/);
    expect(() => loadOptions({ ...base, calls: '5', duration: '5' })).toThrow(/not both/);
  });
});

describe("event-loop delay from the controller's /metrics", () => {
  it('reads p99 and max in ms, and undefined when the figures or the server are missing', async () => {
    let body =
      '# HELP x\nnodejs_eventloop_lag_max_seconds 0.0642\nnodejs_eventloop_lag_p99_seconds{a="b"} 0.0301\n';
    const server = createServer((_req, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    try {
      expect(await scrapeEventLoop(url)).toEqual({ p99: 30, max: 64 });
      body = 'hotline_live_calls 0\n';
      expect(await scrapeEventLoop(url)).toBeUndefined();
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(await scrapeEventLoop(url)).toBeUndefined();
  });
});
