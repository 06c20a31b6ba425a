import type { RecordingEntry, Tier } from '../catalogue/entry.js';
import { DAY_MS, type TierPolicy } from '../deps.js';

export type Target = Tier | 'delete';

/**
 * Where a recording belongs at `now`: hot for its first days, then warm, then cold until its
 * retention deadline, then deleted, unless under legal hold, which keeps it (cold) until released.
 * Tiers only move forward.
 */
export function targetOf(
  entry: Pick<RecordingEntry, 'startedAt' | 'retainUntil' | 'legalHold' | 'tier'>,
  policy: TierPolicy,
  now: number,
): Target {
  const age = now - Date.parse(entry.startedAt);
  if (now >= Date.parse(entry.retainUntil) && !entry.legalHold) return 'delete';
  const byAge: Tier =
    age >= policy.warmDays * DAY_MS ? 'cold' : age >= policy.hotDays * DAY_MS ? 'warm' : 'hot';
  return rank(byAge) >= rank(entry.tier) ? byAge : entry.tier;
}

export function rank(t: Tier): number {
  return t === 'hot' ? 0 : t === 'warm' ? 1 : 2;
}

export function nextTier(t: Tier): Tier | undefined {
  return t === 'hot' ? 'warm' : t === 'warm' ? 'cold' : undefined;
}

/** Start-time cut-offs for the worker's due lists: anything on `tier` older than this may move. */
export function cutoffs(policy: TierPolicy, now: number): Record<Tier, number> {
  return {
    hot: now - policy.hotDays * DAY_MS,
    warm: now - policy.warmDays * DAY_MS,
    cold: now - policy.retentionDays * DAY_MS,
  };
}

export function checkPolicy(p: TierPolicy): string | undefined {
  if (!(p.hotDays > 0 && p.warmDays > p.hotDays && p.retentionDays > p.warmDays))
    return 'tier ages must grow: 0 < hotDays < warmDays < retentionDays';
  return undefined;
}
