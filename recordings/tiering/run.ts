import { isHotlineError } from '../../lib/errors.js';
import { Backoff } from '../../lib/backoff.js';
import { sleep } from '../../lib/wait.js';
import { TIERS, type RecordingEntry, type Tier } from '../catalogue/entry.js';
import type { RecordingsDeps } from '../deps.js';
import { cleanStale } from './clean.js';
import { expire } from './expire.js';
import { moveOn } from './move.js';
import { cutoffs, nextTier, rank, targetOf, type Target } from './policy.js';
import { ignored } from '../../lib/settle.js';

export interface PlannedAction {
  id: string;
  from: Tier;
  to: Target;
}

export interface TierSummary {
  planned: number;
  moved: Record<'warm' | 'cold', number>;
  deleted: number;
  held: number;
  cleaned: number;
  /** Busy elsewhere (another worker holds it): left for the next run. */
  skipped: number;
  failed: { id: string; code: string; message: string }[];
  /** Plain audio bytes handled. */
  bytes: number;
  ms: number;
  actions: PlannedAction[];
}

export interface TierRunOptions {
  dryRun?: boolean;
  /** Recordings processed at once (each move is mostly I/O and one ffmpeg). */
  concurrency?: number;
  /** Most recordings planned in one run. */
  limit?: number;
  /** Attempts per recording when storage is unreachable. */
  attempts?: number;
  retryInitialMs?: number;
  onProgress?: (done: number, total: number, action: PlannedAction) => void;
}

/** One tiering pass: clean what earlier moves left, then move or delete everything that is due. */
export async function runTiering(
  deps: RecordingsDeps,
  opts: TierRunOptions = {},
): Promise<TierSummary> {
  const started = Date.now();
  const now = deps.now().getTime();
  const limit = opts.limit ?? 10_000;
  const summary: TierSummary = {
    planned: 0,
    moved: { warm: 0, cold: 0 },
    deleted: 0,
    held: 0,
    cleaned: 0,
    skipped: 0,
    failed: [],
    bytes: 0,
    ms: 0,
    actions: [],
  };
  const cut = cutoffs(deps.policy, now);
  const plan: PlannedAction[] = [];
  const seen = new Set<string>();
  for (const tier of TIERS) {
    for (const id of await deps.catalogue.due(tier, cut[tier], limit)) {
      const e = await deps.catalogue.get(id);
      if (!e || seen.has(id)) continue;
      seen.add(id);
      const to = targetOf(e, deps.policy, now);
      if (to !== e.tier || e.deleting)
        plan.push({ id, from: e.tier, to: e.deleting ? 'delete' : to });
      else if (e.legalHold && now >= Date.parse(e.retainUntil)) summary.held++;
    }
  }
  const stale = (await deps.catalogue.withStale(limit)).filter((id) => !seen.has(id));
  summary.planned = plan.length;
  summary.actions = plan;
  if (opts.dryRun) {
    summary.ms = Date.now() - started;
    return summary;
  }
  for (const id of stale) {
    await withLock(deps, id, async () => {
      const e = await deps.catalogue.get(id);
      if (e?.stale?.length) {
        await cleanStale(deps, e);
        summary.cleaned++;
      }
    }).catch((err: unknown) => fail(deps, summary, id, err));
  }
  let done = 0;
  const queue = [...plan];
  const worker = async (): Promise<void> => {
    for (let action = queue.shift(); action; action = queue.shift()) {
      const a = action;
      try {
        const ran = await withLock(deps, a.id, () =>
          retrying(deps, opts, () => apply(deps, a.id, now, summary)),
        );
        if (ran === undefined) summary.skipped++;
      } catch (err) {
        await fail(deps, summary, a.id, err);
      }
      opts.onProgress?.(++done, plan.length, a);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  summary.ms = Date.now() - started;
  return summary;
}

/** Moves one recording as far as it is due (re-read under the lock: it may have moved since). */
async function apply(
  deps: RecordingsDeps,
  id: string,
  now: number,
  summary: TierSummary,
): Promise<void> {
  let e: RecordingEntry | undefined = await deps.catalogue.get(id);
  if (!e) return;
  if (e.stale?.length) e = await cleanStale(deps, e);
  const target = e.deleting ? 'delete' : targetOf(e, deps.policy, now);
  if (target === 'delete') {
    const r = await expire(deps, e);
    if (r === 'deleted') summary.deleted++;
    else summary.held++;
    return;
  }
  while (rank(e.tier) < rank(target)) {
    const to = nextTier(e.tier) as Tier;
    e = await moveOn(deps, e, to);
    summary.moved[to as 'warm' | 'cold']++;
    summary.bytes += e.size;
  }
}

async function withLock<T>(
  deps: RecordingsDeps,
  id: string,
  fn: () => Promise<T>,
): Promise<T | undefined> {
  const lock = await deps.catalogue.lock(id, deps.lockMs);
  if (!lock) return undefined;
  // Renewed while the work lasts; a worker that dies lets go within one lock period.
  const renew = setInterval(
    () => void lock.extend().catch(() => false),
    Math.max(100, deps.lockMs / 3),
  );
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await lock.release().catch(ignored(deps.log, 'releasing the lock of a recording'));
  }
}

/** Storage that is unreachable for a moment gets a few tries with backoff; anything else fails now. */
async function retrying<T>(
  deps: RecordingsDeps,
  opts: TierRunOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const backoff = new Backoff({ initialMs: opts.retryInitialMs ?? 1000, maxMs: 30_000 });
  const attempts = opts.attempts ?? 3;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= attempts || !isHotlineError(err, 'STORAGE_UNAVAILABLE')) throw err;
      const wait = backoff.next();
      deps.log.warn({ err, attempt: i, waitMs: wait }, 'storage unreachable; retrying');
      await sleep(wait);
    }
  }
}

async function fail(
  deps: RecordingsDeps,
  summary: TierSummary,
  id: string,
  err: unknown,
): Promise<void> {
  const code = isHotlineError(err) ? err.code : 'UNKNOWN';
  const message = err instanceof Error ? err.message : String(err);
  summary.failed.push({ id, code, message });
  deps.log.error(
    { recording: id, code, err },
    'recording not moved; it stays where it is for the next run',
  );
  await deps.catalogue
    .count(`failed:${code}`)
    .catch(ignored(deps.log, 'counting a recording not moved'));
}
