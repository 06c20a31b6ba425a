import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dtmfPcap } from './rtp-pcap.js';
import { HotlineError } from '../../lib/errors.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';

/**
 * The SIPp wrapper the tests, `hotline call` and `hotline load` use. Runs one SIPp process on
 * loopback in a scratch folder and reads back its statistics and per-call setup times.
 */
/** The scenarios live beside this file in the source tree (dist/ holds only the compiled wrapper). */
export const SCENARIO_DIR = join(PROJECT_ROOT, 'tools', 'sipp');
export const PCAP_DIR = '/usr/share/sip-tester';

export type Scenario =
  | 'uac-400-dtmf-expect-bye'
  | 'uac-400-dtmf-expect-bye-or-503'
  | 'uac-400-dtmf-then-hangup'
  | 'uac-400-hangup-during-prompt'
  | 'uac-unknown-number-expect-404'
  | 'uac-400-no-controller-expect-503';

export interface SippRun {
  scenario: Scenario;
  /** The number dialled. */
  service: string;
  target?: string;
  localIp?: string;
  callerNumber?: string;
  /** Keys pressed (RFC 4733) after the audio starts, 400 ms apart; ',' waits a second. */
  dtmf?: string;
  calls?: number;
  /** New calls per second. */
  rate?: number;
  /** Most calls open at once. */
  limit?: number;
  /** Whole-run deadline. */
  timeoutMs: number;
  /** Call-ID prefix, so the controller's records can be found again. */
  callIdPrefix?: string;
  /** How long a caller who hangs up itself stays on the line after its keys (default 6 s). */
  holdMs?: number;
  /** What the caller says after its keys: an RTP pcap (see audioPcap) and how long it plays. */
  speech?: { file: string; durationMs: number };
  /** The audio sent right after the answer (default SIPp's g711a.pcap; speech tests send silence). */
  openingPcap?: string;
}

export interface SippResult {
  exitCode: number;
  successful: number;
  failed: number;
  /** INVITE sent to 200 OK received, per successful call, in ms. */
  setupMs: number[];
  /** The Call-ID of call number n (1-based). */
  callId: (n: number) => string;
  pid: number;
  stderr: string;
  errors: string;
}

export async function runSipp(run: SippRun): Promise<SippResult> {
  const work = await mkdtemp(join(tmpdir(), 'hotline-sipp-'));
  try {
    const scenarioFile = join(work, `${run.scenario}.xml`);
    await writeFile(
      scenarioFile,
      await scenarioText(run.scenario, run.dtmf ?? '', run.holdMs, run.speech),
    );
    const localIp = run.localIp ?? '127.0.0.1';
    const prefix = run.callIdPrefix ?? `hotline-${Date.now().toString(36)}`;
    // Callers' media ports start in 40000-41998, agent phones' in 50000-51998, with room between
    // for SIPp's per-call ports: the two never meet.
    const mediaPort = nextMediaPort(40_000);
    const args = [
      run.target ?? '127.0.0.1:5060',
      '-sf',
      scenarioFile,
      '-s',
      run.service,
      '-i',
      localIp,
      '-mi',
      localIp,
      '-mp',
      String(mediaPort),
      '-m',
      String(run.calls ?? 1),
      '-r',
      String(run.rate ?? 1),
      '-l',
      String(run.limit ?? Math.max(10, (run.rate ?? 1) * 30)),
      '-key',
      'caller',
      run.callerNumber ?? '13812345678',
      '-key',
      'audio_pcap',
      run.openingPcap ?? join(PCAP_DIR, 'g711a.pcap'),
      '-cid_str',
      `${prefix}-%u-%p@%s`,
      '-timeout',
      `${Math.ceil(run.timeoutMs / 1000)}s`,
      '-timeout_error',
      '-nostdin',
      '-trace_stat',
      '-stf',
      join(work, 'stat.csv'),
      '-fd',
      '1',
      '-trace_rtt',
      '-rtt_freq',
      '1',
      '-trace_err',
      '-error_file',
      join(work, 'errors.log'),
    ];
    const { code, pid, stderr } = await spawnSipp(args, work, run.timeoutMs + 5000);
    const stats = await readStats(join(work, 'stat.csv'));
    const setupMs = await readRtt(work);
    const errors = await readFile(join(work, 'errors.log'), 'utf8').catch(() => '');
    return {
      exitCode: code,
      ...stats,
      setupMs,
      callId: (n) => `${prefix}-${n}-${pid}@${localIp}`,
      pid,
      stderr,
      errors,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface SippAgentRun {
  /** How the simulated agents behave. */
  scenario?: 'uas-agent-answer-expect-bye' | 'uas-agent-no-answer';
  /** Loopback address the simulated agents answer on (the lab's agents-lab endpoint: 127.0.0.2). */
  localIp?: string;
  port?: number;
  /** Calls to answer before exiting. */
  calls: number;
  timeoutMs: number;
}

/**
 * Simulated agent phones: one SIPp UAS answering every INVITE on localIp:port. Resolves when it
 * has handled `calls` calls or its deadline passes; `stop()` ends it early.
 */
export function startSippAgents(run: SippAgentRun): {
  done: Promise<SippResult>;
  stop: () => void;
} {
  let child: ReturnType<typeof spawn> | undefined;
  const done = (async (): Promise<SippResult> => {
    const work = await mkdtemp(join(tmpdir(), 'hotline-sipp-uas-'));
    try {
      const scenarioFile = join(work, 'uas.xml');
      await writeFile(
        scenarioFile,
        await readFile(
          join(SCENARIO_DIR, `${run.scenario ?? 'uas-agent-answer-expect-bye'}.xml`),
          'utf8',
        ),
      );
      const localIp = run.localIp ?? '127.0.0.2';
      const args = [
        '-sf',
        scenarioFile,
        '-i',
        localIp,
        '-p',
        String(run.port ?? 5080),
        '-mi',
        localIp,
        '-mp',
        String(nextMediaPort(50_000)),
        '-m',
        String(run.calls),
        // A phone farm answers every call offered; SIPp's default cap on open calls would refuse some.
        '-l',
        '100000',
        '-key',
        'audio_pcap',
        join(PCAP_DIR, 'g711a.pcap'),
        '-timeout',
        `${Math.ceil(run.timeoutMs / 1000)}s`,
        '-nostdin',
        '-trace_stat',
        '-stf',
        join(work, 'stat.csv'),
        '-fd',
        '1',
        '-trace_err',
        '-error_file',
        join(work, 'errors.log'),
      ];
      const { code, pid, stderr } = await spawnSipp(
        args,
        work,
        run.timeoutMs + 5000,
        (c) => (child = c),
      );
      const stats = await readStats(join(work, 'stat.csv'));
      const errors = await readFile(join(work, 'errors.log'), 'utf8').catch(() => '');
      return { exitCode: code, ...stats, setupMs: [], callId: () => '', pid, stderr, errors };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  })();
  return { done, stop: () => child?.kill('SIGTERM') };
}

async function scenarioText(
  scenario: Scenario,
  dtmf: string,
  holdMs?: number,
  speech?: { file: string; durationMs: number },
): Promise<string> {
  const text = await readFile(join(SCENARIO_DIR, `${scenario}.xml`), 'utf8');
  if (!/^[0-9*#,]*$/.test(dtmf))
    throw new HotlineError(
      'SIPP_FAILED',
      `DTMF must be 0-9, * or # (',' waits a second): got ${JSON.stringify(dtmf)}`,
    );
  // One stream for all the keys, with timestamps that only grow (see dtmfPcap).
  // SIPp replays a pcap from its first packet, so pauses before the first key are a scenario pause.
  const lead = dtmf.length - dtmf.replace(/^,+/, '').length;
  const rest = dtmf.slice(lead);
  let keys = lead > 0 ? `<pause milliseconds="${lead * 1000}"/>` : '';
  if (rest !== '') {
    const { file, durationMs } = dtmfPcap(rest);
    keys += `${keys ? '\n  ' : ''}<nop><action><exec play_pcap_audio="${file}"/></action></nop>\n  <pause milliseconds="${durationMs + 200}"/>`;
  }
  if (speech)
    keys += `\n  <nop><action><exec play_pcap_audio="${speech.file}"/></action></nop>\n  <pause milliseconds="${speech.durationMs + 200}"/>`;
  const held =
    holdMs === undefined
      ? text
      : text.replace(
          /<pause milliseconds="\d+"\/><!-- hotline:hold -->/,
          `<pause milliseconds="${Math.round(holdMs)}"/>`,
        );
  return held.replace('<!-- hotline:dtmf -->', keys);
}

export function spawnSipp(
  args: string[],
  cwd: string,
  deadlineMs: number,
  started: (child: ReturnType<typeof spawn>) => void = () => undefined,
): Promise<{ code: number; pid: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sipp', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    started(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new HotlineError('SIPP_FAILED', `cannot run sipp: ${err.message}`, { cause: err }));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, pid: child.pid ?? 0, stderr });
    });
  });
}

async function readStats(file: string): Promise<{ successful: number; failed: number }> {
  const last = await lastStatRow(file);
  return { successful: last?.['SuccessfulCall(C)'] ?? 0, failed: last?.['FailedCall(C)'] ?? 0 };
}

/** SIPp's statistics file (-trace_stat): a header row of column names, then one row per period. */
export async function statRows(file: string): Promise<Record<string, number>[]> {
  const lines = (await readFile(file, 'utf8').catch(() => '')).trim().split('\n');
  return lines.slice(1).map((line) => statRow(lines[0] ?? '', line));
}

/** The latest row only (read while SIPp runs, every second). */
export async function lastStatRow(file: string): Promise<Record<string, number> | undefined> {
  const lines = (await readFile(file, 'utf8').catch(() => '')).trim().split('\n');
  return lines.length < 2 ? undefined : statRow(lines[0] ?? '', lines[lines.length - 1] ?? '');
}

function statRow(header: string, line: string): Record<string, number> {
  const cells = line.split(';');
  const row: Record<string, number> = {};
  header.split(';').forEach((h, i) => {
    const v = Number(cells[i]);
    if (h && Number.isFinite(v)) row[h] = v;
  });
  return row;
}

async function readRtt(dir: string): Promise<number[]> {
  const file = (await readdir(dir)).find((f) => f.endsWith('_rtt.csv'));
  if (!file) return [];
  const text = await readFile(join(dir, file), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(';')[1]))
    .filter((n) => Number.isFinite(n));
}

/**
 * SIPp takes its media port and the next three (RTCP, video, video RTCP). Bases handed out in turn
 * from a random start, 8 apart, so SIPp processes running at once in one test never share a port
 * (random bases 2 apart did, now and then: "Unable to bind video RTP socket").
 */
const portCursor = new Map<number, number>();
export function nextMediaPort(base: number): number {
  const slot = portCursor.get(base) ?? Math.floor(Math.random() * 250);
  portCursor.set(base, (slot + 1) % 250);
  return base + 8 * slot;
}
