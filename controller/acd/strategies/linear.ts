import { topK } from './top-k.js';
import type { Strategy } from './types.js';

/** Top-down by position, always from the top (app_queue linear, mod_callcenter top-down). */
export const linear = (): Strategy => ({
  name: 'linear',
  ringAll: false,
  rank: (candidates, k) =>
    topK(
      candidates,
      k,
      (a, b) => a.position < b.position || (a.position === b.position && a.slot < b.slot),
    ),
});
