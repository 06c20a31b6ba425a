import type { Candidate } from './types.js';

/**
 * The k smallest candidates by `before` in one pass (k is small: the reservation tries a few),
 * so a decision stays O(n) however many agents are free.
 */
export function topK(
  candidates: readonly Candidate[],
  k: number,
  before: (a: Candidate, b: Candidate) => boolean,
): Candidate[] {
  const best: Candidate[] = [];
  for (const c of candidates) {
    if (best.length === k && !before(c, best[k - 1]!)) continue;
    let i = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push(c);
    while (i > 0 && before(c, best[i - 1]!)) {
      best[i] = best[i - 1]!;
      i--;
    }
    best[i] = c;
  }
  return best;
}

/**
 * Ties go to whoever has waited longest, then to configuration order (the slot: a number, as a
 * string comparison of ids per candidate would cost more than the whole rest of the scan).
 */
export const idleTie = (a: Candidate, b: Candidate): boolean =>
  a.idleSince < b.idleSince || (a.idleSince === b.idleSince && a.slot < b.slot);
