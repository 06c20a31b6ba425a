import type { CallFigures, Percentiles } from './timings.js';
import type { Usage } from './sampler.js';

/**
 * A load run's report in the terms of RFC 7501/7502 (session attempts, established sessions,
 * session attempt rate, session duration, standing sessions), plus what a contact center adds:
 * calls routed and bridged to an agent, queue-to-agent time, and the cost in CPU and memory.
 */
export interface LoadParameters {
  agents: number;
  phoneAddresses: number;
  /** RFC 7501 session attempt rate, once ramped up. */
  sessionAttemptRate: number;
  rampSeconds: number;
  sessionAttempts: number;
  /** Keys each caller presses before the queue ('' = queued at once). */
  ivrPath: string;
  /** How long an agent talks before hanging up (the session duration after the bridge). */
  talkSeconds: number;
  media: string;
  strategy: string;
  record: boolean;
  /** The controller's overload limits (0: off). */
  maxCalls: number;
  maxNewPerSecond: number;
}

export interface LoadReport {
  system: 'hotline' | 'app_queue';
  at: string;
  parameters: LoadParameters;
  calls: CallFigures & {
    /** Attempts that did not end as a bridged call. */
    failed: number;
    bridgedPercent: number;
    /** Agents rung while already on a call (never, for hotline; app_queue with ringinuse=yes may). */
    doubleBooked: number;
    /** Most calls up at once on the callers' side (RFC 7501 standing sessions). */
    peakStandingSessions: number;
    /** The controller's own timeline: caller entering the queue to the agent's line being rung. */
    controllerQueueToRingMs?: Percentiles | undefined;
    outcomes?: Record<string, number>;
  };
  /** Channels still up 10 s after the last caller and phone ended (then hung up): calls the system lost track of. */
  leftoverChannels: number;
  usage: Usage;
  /** The controller's event-loop delay, from its /metrics (per scrape: p99 and max). */
  eventLoopMs?: { p99: number; max: number } | undefined;
  /** CPU of what serves the calls (Asterisk + controller + Redis), percent of one core, steady state. */
  serverCpuPercent: number;
  /** CPU milliseconds per bridged call (server CPU over the rate of bridged calls). */
  serverCpuMsPerCall: number;
  wallSeconds: number;
}

export interface Comparison {
  hotline: LoadReport;
  app_queue: LoadReport;
  /** hotline ÷ app_queue (below 1 is better for times and CPU; above 1 better for success). */
  ratios: Record<string, number | null>;
}

export function compare(hotline: LoadReport, baseline: LoadReport): Comparison {
  const ratio = (a: number | undefined, b: number | undefined): number | null =>
    a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 100) / 100;
  return {
    hotline,
    app_queue: baseline,
    ratios: {
      bridgedPercent: ratio(hotline.calls.bridgedPercent, baseline.calls.bridgedPercent),
      setupP50: ratio(hotline.calls.setupMs?.p50, baseline.calls.setupMs?.p50),
      setupP99: ratio(hotline.calls.setupMs?.p99, baseline.calls.setupMs?.p99),
      queueToAgentP50: ratio(hotline.calls.queueToAgentMs?.p50, baseline.calls.queueToAgentMs?.p50),
      queueToAgentP99: ratio(hotline.calls.queueToAgentMs?.p99, baseline.calls.queueToAgentMs?.p99),
      serverCpu: ratio(hotline.serverCpuPercent, baseline.serverCpuPercent),
      serverCpuPerCall: ratio(hotline.serverCpuMsPerCall, baseline.serverCpuMsPerCall),
    },
  };
}

const ms = (p: Percentiles | undefined, k: keyof Percentiles): string => (p ? `${p[k]}` : '-');
const GROUPS = ['asterisk', 'controller', 'redis', 'sipp-callers', 'sipp-phones'] as const;

function rows(r: LoadReport): [string, string][] {
  const c = r.calls;
  const g = (name: string): string => {
    const u = r.usage.groups[name];
    return u
      ? `${u.cpuPercent.mean} % (peak ${u.cpuPercent.peak} %), RSS ${u.rssMb.first}→${u.rssMb.last} MB (peak ${u.rssMb.peak})`
      : '-';
  };
  return [
    ['session attempts', `${c.attempts}`],
    ['established sessions (200 OK)', `${c.established}`],
    ['refused cleanly (503 before answer)', `${c.refused}`],
    ['routed and bridged to an agent', `${c.bridged} (${c.bridgedPercent} %)`],
    ['failed (not bridged)', `${c.failed}`],
    ['agents rung while on another call', `${c.doubleBooked}`],
    ['peak standing sessions', `${c.peakStandingSessions}`],
    ['channels left up after the run', `${r.leftoverChannels}`],
    [
      'setup, INVITE → 200 OK, p50 / p90 / p99 / max ms',
      `${ms(c.setupMs, 'p50')} / ${ms(c.setupMs, 'p90')} / ${ms(c.setupMs, 'p99')} / ${ms(c.setupMs, 'max')}`,
    ],
    [
      'queue → agent INVITE, p50 / p90 / p99 / max ms',
      `${ms(c.queueToAgentMs, 'p50')} / ${ms(c.queueToAgentMs, 'p90')} / ${ms(c.queueToAgentMs, 'p99')} / ${ms(c.queueToAgentMs, 'max')}`,
    ],
    [
      'caller INVITE → agent INVITE, p50 / p99 ms',
      `${ms(c.inviteToAgentMs, 'p50')} / ${ms(c.inviteToAgentMs, 'p99')}`,
    ],
    [
      'controller: queue → ring, p50 / p99 ms',
      c.controllerQueueToRingMs
        ? `${c.controllerQueueToRingMs.p50} / ${c.controllerQueueToRingMs.p99}`
        : '-',
    ],
    [
      'machine CPU, mean (peak), % of one core',
      `${r.usage.machineCpuPercent.mean} (${r.usage.machineCpuPercent.peak}) of ${100 * r.usage.machineCpuPercent.cores}`,
    ],
    ...GROUPS.map((name): [string, string] => [`${name} CPU, memory`, g(name)]),
    [
      'server CPU (Asterisk + controller + Redis)',
      `${r.serverCpuPercent} % of one core, ${r.serverCpuMsPerCall} ms per bridged call`,
    ],
    [
      'controller event-loop delay p99 / max ms',
      r.eventLoopMs ? `${r.eventLoopMs.p99} / ${r.eventLoopMs.max}` : '-',
    ],
  ];
}

function parametersText(p: LoadParameters): string {
  return [
    `- agents: ${p.agents} PJSIP endpoints, answered by SIPp on ${p.phoneAddresses} loopback addresses; talk time ${p.talkSeconds} s, then the agent hangs up`,
    `- session attempt rate: ${p.sessionAttemptRate}/s after a ${p.rampSeconds} s ramp; ${p.sessionAttempts} attempts`,
    `- IVR path: ${p.ivrPath === '' ? 'none (queued at once)' : `keys ${p.ivrPath}`}; strategy ${p.strategy}; recording ${p.record ? 'on' : 'off'}`,
    `- media: ${p.media}`,
    `- controller overload control: ${p.maxCalls || p.maxNewPerSecond ? `at most ${p.maxCalls || '∞'} calls in progress, ${p.maxNewPerSecond || '∞'} new per second` : 'off'}`,
  ].join('\n');
}

export function markdown(r: LoadReport | Comparison): string {
  if ('ratios' in r) {
    const a = rows(r.hotline);
    const b = rows(r.app_queue);
    const lines = [
      `# hotline load: hotline vs app_queue (${r.hotline.at})`,
      '',
      parametersText(r.hotline.parameters),
      '',
      '| | hotline | app_queue |',
      '|---|---|---|',
      ...a.map(([k, v], i) => `| ${k} | ${v} | ${b[i]?.[1] ?? '-'} |`),
      '',
      '## Ratios (hotline ÷ app_queue)',
      '',
      ...Object.entries(r.ratios).map(([k, v]) => `- ${k}: ${v ?? '-'}`),
      '',
    ];
    return lines.join('\n');
  }
  return [
    `# hotline load: ${r.system} (${r.at})`,
    '',
    parametersText(r.parameters),
    '',
    '| | |',
    '|---|---|',
    ...rows(r).map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ].join('\n');
}
