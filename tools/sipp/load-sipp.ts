import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dtmfPcap, silencePcap } from './rtp-pcap.js';
import { HotlineError } from '../../lib/errors.js';
import { PCAP_DIR, SCENARIO_DIR, lastStatRow, nextMediaPort, spawnSipp, statRows } from './sipp.js';

/**
 * The SIPp processes `hotline load` runs: one caller process at a rate (with ramp-up) and one agent
 * phone process per loopback address. Both log each step with a wall-clock time (SIPp's
 * [timestamp]) and the caller's number, so a caller and the agent rung for it can be matched
 * across processes; `live()` reads the caller's statistics while it runs.
 */
export interface LoadSipp {
  pid: () => number | undefined;
  /** The latest row of SIPp's statistics file, by column name. */
  live: () => Promise<Record<string, number> | undefined>;
  /** The SIPp process ended (an early end means a bad scenario or a port in use: see stderr). */
  exited: () => boolean;
  /** Ask SIPp to stop placing or taking calls and end when its calls are over (SIGUSR1). */
  finish: () => void;
  done: Promise<LoadSippResult>;
}

export interface LoadSippResult {
  exitCode: number;
  pid: number;
  /** The last statistics row. */
  stats: Record<string, number>;
  /** The highest value each statistics column reached. */
  peaks: Record<string, number>;
  /** `<epoch seconds> <step> <caller number>` lines, as logged. */
  log: string[];
  stderr: string;
}

export interface LoadCallers {
  target: string;
  localIp: string;
  service: string;
  /** Caller numbers are this prefix followed by the call number. */
  callerPrefix: string;
  dtmf: string;
  /** Calls per second once ramped up. */
  rate: number;
  rampSeconds: number;
  calls: number;
  /** How long a caller waits for the BYE after its keys. */
  waitMs: number;
  /** true: SIPp's 6 s G.711 sample after answer; false: 200 ms of silence (Answer() needs some RTP). */
  audio: boolean;
  timeoutMs: number;
  /** Call-IDs are `<prefix>-<call number>-<SIPp pid>@<localIp>`, so a controller's records can be found. */
  callIdPrefix: string;
}

export interface LoadAgents {
  localIp: string;
  port: number;
  talkMs: number;
  audio: boolean;
  timeoutMs: number;
}

/** Every load SIPp process still running, so an interrupted run can stop them all. */
const running = new Set<{ kill: (s: NodeJS.Signals) => boolean }>();

/** Kills every load SIPp process this process started (an interrupted `hotline load`). */
export function killLoadSipp(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export function startLoadCallers(o: LoadCallers): LoadSipp {
  if (!/^[0-9*#,]*$/.test(o.dtmf))
    throw new HotlineError(
      'SIPP_FAILED',
      `DTMF must be 0-9, * or # (',' waits a second): got ${JSON.stringify(o.dtmf)}`,
    );
  const keys = o.dtmf === '' ? undefined : dtmfPcap(o.dtmf);
  const step = o.rampSeconds > 0 ? Math.max(1, Math.ceil(o.rate / o.rampSeconds)) : 0;
  return startLoad(
    'load-caller-expect-bye',
    (text) =>
      text
        // The keys log their step when the last key's tone ends (the pcap plays in the background).
        .replace(
          /<!-- hotline:dtmf -->\s*(<nop><action><log message="\[timestamp\] keys [^"]*"\/><\/action><\/nop>)/,
          keys
            ? `<pause milliseconds="800"/>\n  <nop><action><exec play_pcap_audio="${keys.file}"/></action></nop>\n  <pause milliseconds="${keys.lastKeyEndMs}"/>\n  $1\n  <pause milliseconds="${keys.durationMs - keys.lastKeyEndMs + 200}"/>`
            : '$1',
        )
        .replace(/timeout="\d+"><!-- hotline:wait-ms -->/, `timeout="${Math.round(o.waitMs)}">`),
    (mediaPort) => [
      o.target,
      '-s',
      o.service,
      '-i',
      o.localIp,
      '-mi',
      o.localIp,
      '-mp',
      String(mediaPort),
      '-m',
      String(o.calls),
      '-r',
      String(step > 0 ? Math.min(step, o.rate) : o.rate),
      ...(step > 0
        ? ['-rate_increase', String(step), '-rate_max', String(o.rate), '-no_rate_quit']
        : []),
      '-l',
      String(Math.max(100, Math.ceil(o.rate * (o.waitMs / 1000 + 10)))),
      '-key',
      'caller',
      o.callerPrefix,
      '-cid_str',
      `${o.callIdPrefix}-%u-%p@%s`,
      '-key',
      'audio_pcap',
      o.audio ? join(PCAP_DIR, 'g711a.pcap') : silencePcap(200),
      '-timeout',
      `${Math.ceil(o.timeoutMs / 1000)}s`,
    ],
    40_000,
    o.timeoutMs,
  );
}

export function startLoadAgents(o: LoadAgents): LoadSipp {
  return startLoad(
    'load-agent-answer-talk-hangup',
    (text) =>
      text.replace(
        /<pause milliseconds="\d+"\/><!-- hotline:talk-ms -->/,
        `<pause milliseconds="${Math.round(o.talkMs)}"/>`,
      ),
    (mediaPort) => [
      '-i',
      o.localIp,
      '-p',
      String(o.port),
      '-mi',
      o.localIp,
      '-mp',
      String(mediaPort),
      // A phone farm answers every call offered; SIPp's default cap on open calls would refuse some.
      '-l',
      '100000',
      '-key',
      'audio_pcap',
      o.audio ? join(PCAP_DIR, 'g711a.pcap') : silencePcap(200),
      '-timeout',
      `${Math.ceil(o.timeoutMs / 1000)}s`,
    ],
    50_000,
    o.timeoutMs,
  );
}

function startLoad(
  name: string,
  fill: (text: string) => string,
  args: (mediaPort: number) => string[],
  portBase: number,
  timeoutMs: number,
): LoadSipp {
  let child: { pid?: number | undefined; kill: (s: NodeJS.Signals) => boolean } | undefined;
  let work: string | undefined;
  let ended = false;
  const done = (async (): Promise<LoadSippResult> => {
    work = await mkdtemp(join(tmpdir(), `hotline-${name}-`));
    try {
      const scenario = join(work, `${name}.xml`);
      await writeFile(scenario, fill(await readFile(join(SCENARIO_DIR, `${name}.xml`), 'utf8')));
      const all = [
        '-sf',
        scenario,
        ...args(nextMediaPort(portBase)),
        '-nostdin',
        '-trace_stat',
        '-stf',
        join(work, 'stat.csv'),
        '-fd',
        '1',
        '-trace_logs',
        '-trace_err',
        '-error_file',
        join(work, 'errors.log'),
      ];
      const { code, pid, stderr } = await spawnSipp(all, work, timeoutMs + 30_000, (c) => {
        child = c;
        running.add(c);
      }).finally(() => child && running.delete(child));
      const rows = await statRows(join(work, 'stat.csv'));
      const peaks: Record<string, number> = {};
      for (const r of rows)
        for (const [k, v] of Object.entries(r)) peaks[k] = Math.max(peaks[k] ?? -Infinity, v);
      return {
        exitCode: code,
        pid,
        stats: rows[rows.length - 1] ?? {},
        peaks,
        log: await logLines(work),
        stderr,
      };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  })();
  void done.then(
    () => (ended = true),
    () => (ended = true),
  );
  return {
    pid: () => child?.pid,
    exited: () => ended,
    live: async () => (work ? lastStatRow(join(work, 'stat.csv')) : undefined),
    finish: () => void child?.kill('SIGUSR1'),
    done,
  };
}

async function logLines(dir: string): Promise<string[]> {
  const file = (await readdir(dir)).find((f) => f.endsWith('_logs.log'));
  if (!file) return [];
  // [timestamp] is `date<TAB>time<TAB>epoch.micro`: keep the epoch, which processes share.
  return (await readFile(join(dir, file), 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.replace(/^\S+\t\S+\t/, ''));
}
