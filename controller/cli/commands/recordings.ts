import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { Config } from '../../config/schema.js';
import { REDACT_PATHS } from '../../log/logger.js';
import { HotlineError } from '../../../lib/errors.js';
import { openRecording } from '../../../recordings/access.js';
import { location } from '../../../recordings/catalogue/entry.js';
import { rebuildCatalogue } from '../../../recordings/catalogue/rebuild.js';
import { addMasterKey } from '../../../recordings/crypto/key-file.js';
import type { RecordingsDeps } from '../../../recordings/deps.js';
import { setLegalHold } from '../../../recordings/hold.js';
import { ingestPending } from '../../../recordings/ingest.js';
import { rotateKeys } from '../../../recordings/rotate.js';
import { recordingsFromConfig } from '../../../recordings/setup.js';
import { runTiering } from '../../../recordings/tiering/run.js';
import { verifyAll } from '../../../recordings/verify.js';
import { TieringWorker } from '../../../recordings/worker.js';
import { configFrom } from '../config-option.js';
import { progressBar } from '../progress.js';

interface Common {
  config?: string;
  /** Run as if it were this time (ISO 8601): tests, and "what would move on day N". */
  now?: string;
}

/** The CLI's composition root for recordings: config, Redis, storage, keys, the clock. */
async function withRecordings<T>(
  opts: Common,
  fn: (deps: RecordingsDeps, config: Config) => Promise<T>,
): Promise<T> {
  const { config } = configFrom(opts);
  const redis = new Redis(config.redis.url, {
    maxRetriesPerRequest: 2,
    connectTimeout: 3000,
    lazyConnect: true,
  });
  redis.on('error', () => undefined);
  const log = pino(
    {
      level: process.env.HOTLINE_LOG_LEVEL ?? 'warn',
      base: { cli: 'recordings' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    pino.destination(2),
  );
  try {
    await redis.connect().catch((err: unknown) => {
      throw new HotlineError(
        'STORAGE_UNAVAILABLE',
        `Redis unreachable at the configured URL: ${String(err)}`,
      );
    });
    const fixed = opts.now === undefined ? undefined : Date.parse(opts.now);
    if (fixed !== undefined && Number.isNaN(fixed))
      throw new HotlineError('CONFIG_INVALID', `--now ${opts.now}: not an ISO 8601 time`);
    const deps = await recordingsFromConfig(config.recordings, {
      redis,
      keyPrefix: config.redis.keyPrefix,
      mediaRecordingsDir: config.mediaServers[0]?.recordingsDir,
      log,
      ...(fixed === undefined ? {} : { now: () => new Date(fixed) }),
    });
    deps.step = crashHook();
    return await fn(deps, config);
  } finally {
    redis.disconnect();
  }
}

/**
 * HOTLINE_TEST_CRASH_AT=step:n kills this process (SIGKILL, no clean-up) right after the n-th
 * time a move passes `step`: the crash tests' way of dying at every step. Unset in real use.
 */
function crashHook(): RecordingsDeps['step'] {
  const spec = process.env.HOTLINE_TEST_CRASH_AT;
  if (!spec) return undefined;
  const [step, nth] = spec.split(':');
  let seen = 0;
  return (name) => {
    if (name === step && ++seen >= Number(nth ?? 1)) process.kill(process.pid, 'SIGKILL');
  };
}

const out = (line: string): boolean => process.stdout.write(`${line}\n`);

export async function recordingsTierCommand(
  opts: Common & { dryRun?: boolean; concurrency?: string; json?: boolean },
): Promise<void> {
  await withRecordings(opts, async (deps) => {
    const bar = progressBar(opts.dryRun ? 'planning' : 'tiering');
    const s = await runTiering(deps, {
      dryRun: opts.dryRun === true,
      concurrency: Number(opts.concurrency ?? 2),
      onProgress: (d, t, a) => bar.update(d, t, `${a.id} ${a.from}→${a.to}`),
    });
    bar.end();
    if (opts.json) return void out(JSON.stringify(s));
    if (opts.dryRun) {
      for (const a of s.actions) out(`${a.id}  ${a.from} → ${a.to}`);
      out(
        `${s.planned} recording(s) would change tier or be deleted; ${s.held} kept by legal hold`,
      );
      return;
    }
    out(
      `moved to warm ${s.moved.warm}, to cold ${s.moved.cold}; deleted ${s.deleted}; kept by legal hold ${s.held}; cleaned ${s.cleaned}; busy ${s.skipped}; failed ${s.failed.length} (${(s.ms / 1000).toFixed(1)} s)`,
    );
    for (const f of s.failed) out(`  failed ${f.id}: ${f.code}: ${f.message}`);
    if (s.failed.length) process.exitCode = 1;
  });
}

export async function recordingsVerifyCommand(opts: Common & { json?: boolean }): Promise<void> {
  await withRecordings(opts, async (deps) => {
    const bar = progressBar('verifying');
    const s = await verifyAll(deps, (d, t) => bar.update(d, t));
    bar.end();
    if (opts.json) return void out(JSON.stringify(s));
    out(
      `checked ${s.checked}: ${s.ok} intact, ${s.failed.length} failed (${(s.bytes / 1e6).toFixed(1)} MB in ${(s.ms / 1000).toFixed(1)} s)`,
    );
    for (const f of s.failed) out(`  ${f.id} (${f.tier}): ${f.code}: ${f.reason}`);
    if (s.failed.length) process.exitCode = 1;
  });
}

export async function recordingsGetCommand(
  id: string,
  opts: Common & { output?: string; range?: string; user?: string },
): Promise<void> {
  await withRecordings(opts, async (deps) => {
    const m = opts.range ? /^(\d+)-(\d*)$/.exec(opts.range) : undefined;
    if (opts.range && !m)
      throw new HotlineError('RECORDING_RANGE_INVALID', '--range must look like 0-1023 or 1024-');
    const range = m ? { start: Number(m[1]), ...(m[2] ? { end: Number(m[2]) } : {}) } : undefined;
    const user = opts.user ?? `cli:${process.env.SUDO_USER ?? process.env.USER ?? 'unknown'}`;
    const r = await openRecording(deps, id, { user, range });
    if (!opts.output && process.stdout.isTTY)
      throw new HotlineError(
        'CONFIG_INVALID',
        'refusing to write audio to a terminal: use -o FILE or a pipe',
      );
    await pipeline(r.stream, opts.output ? createWriteStream(opts.output) : process.stdout);
    if (opts.output)
      process.stderr.write(
        `${opts.output}: ${r.contentType}, from ${r.entry.tier}, ${r.range ? `${r.range.end - r.range.start + 1} of ` : ''}${r.size} bytes\n`,
      );
  });
}

export async function recordingsListCommand(
  opts: Common & {
    from?: string;
    to?: string;
    agent?: string;
    queue?: string;
    number?: string;
    limit?: string;
    json?: boolean;
  },
): Promise<void> {
  await withRecordings(opts, async (deps) => {
    const rows = await deps.catalogue.search({
      from: opts.from ? Date.parse(opts.from) : undefined,
      to: opts.to ? Date.parse(opts.to) : undefined,
      agentId: opts.agent,
      queue: opts.queue,
      number: opts.number,
      limit: Number(opts.limit ?? 50),
    });
    if (opts.json)
      return void out(
        JSON.stringify(rows.map(({ dataKey: _k, ...r }) => ({ ...r, location: location(r) }))),
      );
    out(
      'id                                        started         ' +
        '      dur    tier  caller        agent     queue     hold',
    );
    for (const r of rows) {
      out(
        `${r.id.padEnd(41)} ${r.startedAt.slice(0, 19)}  ${(r.durationMs / 1000).toFixed(0).padStart(4)}s  ${r.tier.padEnd(5)} ${r.callerMasked.padEnd(13)} ${(r.agentId ?? '-').padEnd(9)} ${(r.queue ?? '-').padEnd(9)} ${r.legalHold ? 'yes' : ''}`,
      );
    }
    const c = await deps.catalogue.counts();
    out(`${rows.length} shown; catalogue: hot ${c.hot}, warm ${c.warm}, cold ${c.cold}`);
  });
}

export async function recordingsHoldCommand(
  id: string,
  hold: boolean,
  opts: Common,
): Promise<void> {
  await withRecordings(opts, async (deps) => {
    const e = await setLegalHold(deps, id, hold);
    out(`${e.id}: legal hold ${e.legalHold ? 'on' : 'off'} (${location(e)})`);
  });
}

export async function recordingsRebuildCommand(opts: Common): Promise<void> {
  await withRecordings(opts, async (deps) => {
    const bar = progressBar('reading sidecars');
    const s = await rebuildCatalogue(deps, (n) => bar.update(n, n));
    bar.end();
    out(
      `restored ${s.restored} entries; ${s.duplicates} extra copies marked for clean-up; ${s.orphans.length} sidecars without their object; ${s.unreadable.length} unreadable`,
    );
    for (const o of s.orphans) out(`  orphan sidecar: ${o}`);
    for (const u of s.unreadable) out(`  unreadable: ${u}`);
  });
}

export async function recordingsRotateCommand(opts: Common & { newKey?: boolean }): Promise<void> {
  const { config } = configFrom(opts);
  const keyPath = config.recordings.keyFile;
  if (opts.newKey !== false)
    out(`new master key ${await addMasterKey(keyPath)} is current in ${keyPath}`);
  await withRecordings(opts, async (deps) => {
    const bar = progressBar('rewrapping');
    const s = await rotateKeys(deps, (d) => bar.update(d, d));
    bar.end();
    out(
      `rewrapped ${s.rewrapped} data keys; ${s.current} already current; ${s.busy} busy (run again); ${s.failed.length} failed`,
    );
    for (const f of s.failed) out(`  ${f.id}: ${f.reason}`);
    if (s.failed.length === 0 && s.busy === 0)
      out(
        'every recording now opens with the current key alone; older keys may be removed from the key file',
      );
    else process.exitCode = 1;
  });
}

export async function recordingsStatsCommand(opts: Common): Promise<void> {
  await withRecordings(opts, async (deps) => {
    const [c, counters, pending] = await Promise.all([
      deps.catalogue.counts(),
      deps.catalogue.counters(),
      deps.catalogue.listPending(),
    ]);
    out(JSON.stringify({ tiers: c, pending: pending.length, counters }, null, 1));
  });
}

/** The tiering worker as its own process (worker.mode: separate). */
export async function recordingsWorkerCommand(opts: Common & { once?: boolean }): Promise<void> {
  await withRecordings(opts, async (deps, config) => {
    const w = config.recordings.worker;
    const worker = new TieringWorker(deps, {
      intervalMs: w.intervalMinutes * 60_000,
      concurrency: w.concurrency,
    });
    if (opts.once) {
      const swept = await ingestPending(deps, { quietMs: 10_000, giveUpMs: 24 * 3600_000 });
      out(`swept: ${JSON.stringify(swept)}`);
      await worker.pass();
      return;
    }
    worker.start(0);
    await new Promise<void>((resolve) => {
      const stop = (): void => void worker.stop().then(resolve);
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
  });
}
