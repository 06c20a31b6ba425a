import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pino } from 'pino';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { toOpus } from '../../recordings/audio/transcode.js';
import { MemoryCatalogue } from '../../recordings/catalogue/memory.js';
import { Keyring } from '../../recordings/crypto/keyring.js';
import { decryptStream, encryptStream } from '../../recordings/crypto/segments.js';
import { DEFAULT_POLICY, type RecordingsDeps } from '../../recordings/deps.js';
import { ingest } from '../../recordings/ingest.js';
import { folderStorage } from '../../recordings/storage/folder.js';
import { runTiering } from '../../recordings/tiering/run.js';

/**
 * Recordings benchmark: encryption throughput (MB/s), compression speed (times real time), and
 * tiering throughput (recordings per minute per core, ffmpeg's CPU included) on local folders.
 * BENCH_RECORDINGS (default 40) recordings of BENCH_SECONDS (default 120) each.
 */
const COUNT = Number(process.env.BENCH_RECORDINGS ?? 40);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 120);
const DAY = 24 * 3600_000;

/** This process's CPU seconds plus those of its finished children (ffmpeg), from /proc. */
function cpu(): { self: number; children: number } {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const x = f
    .slice(f.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return {
    self: ((x[11] ?? 0) + (x[12] ?? 0)) / 100,
    children: ((x[13] ?? 0) + (x[14] ?? 0)) / 100,
  };
}

function sink(): Writable {
  return new Writable({ write: (_c, _e, cb) => cb() });
}

async function crypto(): Promise<{ encryptMBps: number; decryptMBps: number }> {
  const key = randomBytes(32);
  const block = randomBytes(1024 * 1024);
  const mb = 256;
  const chunks = (): Readable =>
    Readable.from(
      (function* () {
        for (let i = 0; i < mb; i++) yield block;
      })(),
    );
  let t = process.hrtime.bigint();
  const sealedParts: Buffer[] = [];
  await pipeline(
    chunks(),
    encryptStream(key),
    new Writable({
      write: (c: Buffer, _e, cb) => {
        if (sealedParts.length < 70) sealedParts.push(c);
        cb();
      },
    }),
  );
  const encryptMBps = mb / (Number(process.hrtime.bigint() - t) / 1e9);
  // Decrypt a 64 MB object several times over.
  const small = randomBytes(64 * 1024 * 1024);
  const sealed: Buffer[] = [];
  await pipeline(
    Readable.from([small]),
    encryptStream(key),
    new Writable({
      write: (c: Buffer, _e, cb) => {
        sealed.push(c);
        cb();
      },
    }),
  );
  t = process.hrtime.bigint();
  for (let i = 0; i < 4; i++) await pipeline(Readable.from(sealed), decryptStream(key), sink());
  const decryptMBps = 256 / (Number(process.hrtime.bigint() - t) / 1e9);
  return { encryptMBps, decryptMBps };
}

function makeWav(file: string, seconds: number): void {
  execFileSync('sox', [
    '-n',
    '-r',
    '8000',
    '-c',
    '1',
    '-b',
    '16',
    file,
    'synth',
    String(seconds),
    'sine',
    '300-900',
    'synth',
    String(seconds),
    'pinknoise',
    'mix',
    'vol',
    '0.3',
  ]);
}

async function compression(
  dir: string,
): Promise<{ timesRealTime: number; ratio: number; wavBytes: number; opusBytes: number }> {
  const file = join(dir, 'long.wav');
  makeWav(file, 600);
  const wav = readFileSync(file);
  let out = 0;
  const before = cpu();
  const t = process.hrtime.bigint();
  await pipeline(
    toOpus(Readable.from([wav]), { timeoutMs: 120_000 }),
    new Writable({
      write: (c: Buffer, _e, cb) => {
        out += c.length;
        cb();
      },
    }),
  );
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  const after = cpu();
  const cpuSec = after.self - before.self + (after.children - before.children);
  return {
    timesRealTime: 600 / wall,
    ratio: wav.length / out,
    wavBytes: wav.length,
    opusBytes: out,
    ...{ cpuSecondsPer10Min: cpuSec },
  };
}

async function tiering(dir: string): Promise<Record<string, number>> {
  const start = Date.parse('2026-01-05T09:00:00Z');
  let now = start;
  const deps: RecordingsDeps = {
    tiers: {
      hot: folderStorage({ name: 'hot', root: join(dir, 'hot') }),
      warm: folderStorage({ name: 'warm', root: join(dir, 'warm') }),
      cold: folderStorage({ name: 'cold', root: join(dir, 'cold') }),
    },
    catalogue: new MemoryCatalogue(),
    keyring: new Keyring({ current: 'k1', keys: { k1: randomBytes(32).toString('base64') } }),
    policy: DEFAULT_POLICY,
    callerHashSecret: 'bench',
    now: () => new Date(now),
    log: pino({ level: 'silent' }),
    bitrateKbps: 16,
    stepTimeoutMs: 120_000,
    lockMs: 30_000,
  };
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  const template = join(src, 'template.wav');
  makeWav(template, SECONDS);
  const bytes = readFileSync(template);
  let t = Date.now();
  let c0 = cpu();
  for (let i = 0; i < COUNT; i++) {
    const file = join(src, `r${i}.wav`);
    writeFileSync(file, bytes);
    await ingest(deps, {
      id: `rec-bench-${i}`,
      file,
      callId: `c${i}`,
      number: '4008001234',
      callerNumber: '13800138000',
      startedAt: new Date(start).toISOString(),
    });
  }
  const ingestWall = (Date.now() - t) / 1000;
  let c1 = cpu();
  const ingestCpu = c1.self - c0.self + c1.children - c0.children;
  const out: Record<string, number> = {
    recordings: COUNT,
    secondsEach: SECONDS,
    ingestPerMinuteWall: (COUNT / ingestWall) * 60,
    ingestPerMinutePerCore: (COUNT / ingestCpu) * 60,
  };
  for (const [label, day] of [
    ['warm', 8],
    ['cold', 31],
    ['delete', 181],
  ] as const) {
    now = start + day * DAY;
    t = Date.now();
    c0 = cpu();
    const s = await runTiering(deps, { concurrency: 2 });
    const wall = (Date.now() - t) / 1000;
    c1 = cpu();
    const used = c1.self - c0.self + c1.children - c0.children;
    if (s.failed.length) throw new Error(`tiering failed: ${JSON.stringify(s.failed[0])}`);
    out[`${label}PerMinuteWall`] = (COUNT / wall) * 60;
    out[`${label}PerMinutePerCore`] = (COUNT / used) * 60;
    out[`${label}CpuSeconds`] = used;
  }
  return out;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-bench-rec-'));
  try {
    const enc = await crypto();
    process.stdout.write(
      `encryption: AES-256-GCM ${enc.encryptMBps.toFixed(0)} MB/s, decryption ${enc.decryptMBps.toFixed(0)} MB/s (one core)\n`,
    );
    const comp = await compression(dir);
    process.stdout.write(
      `compression: 10 min of 8 kHz WAV → Opus 16 kb/s at ${comp.timesRealTime.toFixed(0)}× real time, ${comp.ratio.toFixed(1)}:1\n`,
    );
    const tier = await tiering(dir);
    process.stdout.write(
      `tiering (${COUNT} × ${SECONDS} s, concurrency 2, local folders): ingest ${tier.ingestPerMinutePerCore?.toFixed(0)}/min/core; ` +
        `hot→warm ${tier.warmPerMinutePerCore?.toFixed(0)}/min/core (${tier.warmPerMinuteWall?.toFixed(0)}/min wall); ` +
        `warm→cold ${tier.coldPerMinutePerCore?.toFixed(0)}/min/core (${tier.coldPerMinuteWall?.toFixed(0)}/min wall); ` +
        `delete ${tier.deletePerMinutePerCore?.toFixed(0)}/min/core\n`,
    );
    const result = {
      date: new Date().toISOString(),
      encryption: enc,
      compression: comp,
      tiering: tier,
    };
    const file = join(PROJECT_ROOT, 'bench', 'results', 'recordings.json');
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`saved ${file}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
