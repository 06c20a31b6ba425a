import { topK } from './top-k.js';
import type { Candidate, Strategy } from './types.js';

/**
 * Smooth weighted round robin (the nginx algorithm): each agent's current weight grows by its
 * weight every decision, the largest wins and gives back the total. Deterministic, and spreads an
 * agent's calls evenly instead of in bursts (weights 5,1,1 give a a b a c a a). State is per
 * queue and per controller; agents who leave the candidate set keep their current weight.
 */
export const weightedRoundRobin = (): Strategy => {
  const current = new Map<string, number>();
  const score = (c: Candidate): number => (current.get(c.id) ?? 0) + c.weight;
  const before = (a: Candidate, b: Candidate): boolean => {
    const sa = score(a);
    const sb = score(b);
    return sa > sb || (sa === sb && a.id < b.id);
  };
  return {
    name: 'weighted-round-robin',
    ringAll: false,
    rank: (candidates, k) => topK(candidates, k, before),
    taken(chosen, candidates) {
      let total = 0;
      for (const c of candidates) {
        current.set(c.id, score(c));
        total += c.weight;
      }
      current.set(chosen.id, (current.get(chosen.id) ?? 0) - total);
    },
  };
};
