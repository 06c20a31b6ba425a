import { topK } from './top-k.js';
import type { Candidate, Strategy } from './types.js';

/**
 * Smooth weighted round robin (the nginx algorithm): each agent's current weight grows by its
 * weight every decision, the largest wins and gives back the total. Deterministic, and spreads an
 * agent's calls evenly instead of in bursts (weights 5,1,1 give a a b a c a a). State is per
 * queue and per controller; agents who leave the candidate set keep their current weight.
 */
export const weightedRoundRobin = (): Strategy => {
  // Current weights by slot: an array, not a map, because every decision reads one per candidate.
  let current = new Float64Array(64);
  const at = (slot: number): number => (slot < current.length ? current[slot]! : 0);
  const set = (slot: number, value: number): void => {
    if (slot >= current.length) {
      const grown = new Float64Array(Math.max(slot + 1, current.length * 2));
      grown.set(current);
      current = grown;
    }
    current[slot] = value;
  };
  const score = (c: Candidate): number => at(c.slot) + c.weight;
  const before = (a: Candidate, b: Candidate): boolean => {
    const sa = score(a);
    const sb = score(b);
    return sa > sb || (sa === sb && a.slot < b.slot);
  };
  return {
    name: 'weighted-round-robin',
    ringAll: false,
    rank: (candidates, k) => topK(candidates, k, before),
    taken(chosen, candidates) {
      let total = 0;
      for (const c of candidates) {
        set(c.slot, score(c));
        total += c.weight;
      }
      set(chosen.slot, at(chosen.slot) - total);
    },
  };
};
