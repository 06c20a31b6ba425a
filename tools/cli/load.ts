import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { labInfra } from '../lab/lab.js';
import { labPaths, PROJECT_ROOT } from '../lab/paths.js';
import { compare, markdown, type Comparison, type LoadReport } from '../load/report.js';
import { runLoad, type LoadOptions } from '../load/run.js';
import { STRATEGY_NAMES, type StrategyName } from '../../controller/acd/strategies/types.js';
import { configFrom } from '../../controller/cli/config-option.js';
import { killLoadSipp } from '../sipp/load-sipp.js';

export interface LoadCommandOptions {
  config?: string;
  agents: string;
  cps: string;
  calls?: string;
  duration?: string;
  ramp: string;
  dtmf: string;
  talk: string;
  audio: boolean;
  addresses: string;
  strategy: string;
  baseline?: string;
  baselineOnly: boolean;
  ringInUse: boolean;
  profile?: string;
  record: boolean;
  logLevel: string;
  minBridged: string;
  maxCalls: string;
  maxNewPerSecond: string;
  out: string;
  json: boolean;
}

const number = (
  name: string,
  v: string | undefined,
  min: number,
  max: number,
  whole = false,
): number => {
  const n = Number(v);
  if (
    v === undefined ||
    !Number.isFinite(n) ||
    n < min ||
    n > max ||
    (whole && !Number.isInteger(n))
  )
    throw new Error(
      `--${name} must be ${whole ? 'a whole number ' : ''}from ${min} to ${max} (got ${String(v)})`,
    );
  return n;
};

export function loadOptions(o: LoadCommandOptions): LoadOptions {
  const cps = number('cps', o.cps, 0.1, 500);
  const rampSeconds = number('ramp', o.ramp, 0, 600, true);
  if (o.calls !== undefined && o.duration !== undefined)
    throw new Error('give --calls or --duration, not both');
  const calls =
    o.calls !== undefined
      ? number('calls', o.calls, 1, 1_000_000, true)
      : Math.round(
          cps * number('duration', o.duration ?? '60', 1, 86_400) + (cps * rampSeconds) / 2,
        );
  if (!(STRATEGY_NAMES as readonly string[]).includes(o.strategy))
    throw new Error(`--strategy must be one of ${STRATEGY_NAMES.join(', ')}`);
  if (!/^[0-9*#,]{0,20}$/.test(o.dtmf))
    throw new Error('--dtmf: keys 0-9, * and #, a comma waits a second (at most 20)');
  if (o.baseline !== undefined && o.baseline !== 'app_queue')
    throw new Error('--baseline: only app_queue is supported');
  return {
    agents: number('agents', o.agents, 1, 20_000, true),
    addresses: number('addresses', o.addresses, 1, 200, true),
    cps,
    rampSeconds,
    calls,
    dtmf: o.dtmf,
    talkSeconds: number('talk', o.talk, 0.2, 3600),
    audio: o.audio,
    strategy: o.strategy as StrategyName,
    record: o.record,
    logLevel: o.logLevel,
    service: '4008001234',
    ringInUse: o.ringInUse,
    profileDir: o.profile,
    maxCalls: number('max-calls', o.maxCalls, 0, 100_000, true),
    maxNewPerSecond: number('max-new-per-second', o.maxNewPerSecond, 0, 10_000),
  };
}

/**
 * `hotline load`: N agents on the lab (PJSIP endpoints answered by SIPp phones on several loopback
 * addresses), callers at a rate with a ramp, through the IVR path into the queue; a report in RFC
 * 7501/7502 terms, as JSON and Markdown under bench/results/. With `--baseline app_queue` the same
 * load then runs against Asterisk's own Queue() and the report sets the two side by side.
 */
export async function loadCommand(o: LoadCommandOptions): Promise<LoadReport | Comparison> {
  const { config, file } = configFrom(o);
  const options = loadOptions(o);
  const minBridged = number('min-bridged', o.minBridged, 0, 100);
  if (o.baselineOnly && !o.baseline) throw new Error('--baseline-only needs --baseline app_queue');
  await labInfra(config);
  const env = {
    config,
    configFile: file,
    paths: labPaths(config.lab),
    progress: (line: string) => process.stderr.write(`${line}\n`),
  };
  // Interrupted: the SIPp processes go at once; the run's own clean-up (controller, files, calls) follows.
  const interrupted = (): void => killLoadSipp();
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let hotline: LoadReport | undefined;
  let baseline: LoadReport | undefined;
  try {
    hotline = o.baselineOnly ? undefined : await runLoad('hotline', options, env);
    baseline = o.baseline ? await runLoad('app_queue', options, env) : undefined;
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
  const first = (hotline ?? baseline)!;
  const result = hotline && baseline ? compare(hotline, baseline) : first;
  const name = reportName(options, {
    baselineOnly: o.baselineOnly,
    both: hotline !== undefined && baseline !== undefined,
  });
  const out = o.out.startsWith('/') ? o.out : join(PROJECT_ROOT, o.out);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(out, `${name}.md`), markdown(result));
  process.stdout.write(
    o.json
      ? `${JSON.stringify(result)}\n`
      : `${markdown(result)}\nsaved ${join(out, name)}.{json,md}\n`,
  );
  if (first.calls.bridgedPercent < minBridged) process.exitCode = 1;
  return result;
}

/** e.g. load-1000a-50cps-3250calls-noaudio-vs-app_queue: what was run, from the name alone. */
function reportName(o: LoadOptions, run: { baselineOnly: boolean; both: boolean }): string {
  return [
    `load-${run.baselineOnly ? 'app_queue-' : ''}${o.agents}a-${o.cps}cps-${o.calls}calls`,
    o.dtmf ? `-keys${o.dtmf.replace(/[^0-9]/g, '')}` : '',
    o.strategy === 'longest-idle' ? '' : `-${o.strategy}`,
    o.maxCalls ? `-max${o.maxCalls}` : '',
    o.audio ? '' : '-noaudio',
    o.ringInUse && (run.baselineOnly || run.both) ? '-ringinuse' : '',
    run.both ? '-vs-app_queue' : '',
  ].join('');
}
