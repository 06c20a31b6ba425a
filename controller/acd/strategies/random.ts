import type { Candidate, Strategy } from './types.js';

/** k distinct candidates drawn uniformly (a partial Fisher-Yates over indexes). */
export const random = (): Strategy => ({
  name: 'random',
  ringAll: false,
  rank(candidates, k, ctx) {
    const n = candidates.length;
    const picked: Candidate[] = [];
    const swapped = new Map<number, number>();
    for (let i = 0; i < Math.min(k, n); i++) {
      const j = i + Math.floor(ctx.random() * (n - i));
      const at = swapped.get(j) ?? j;
      swapped.set(j, swapped.get(i) ?? i);
      picked.push(candidates[at]!);
    }
    return picked;
  },
});
