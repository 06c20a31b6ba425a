import { idleTie, topK } from './top-k.js';
import type { Strategy } from './types.js';

/** The agent who has taken the fewest calls (app_queue fewestcalls). */
export const fewestCalls = (): Strategy => ({
  name: 'fewest-calls',
  ringAll: false,
  rank: (candidates, k) =>
    topK(
      candidates,
      k,
      (a, b) => a.callsTaken < b.callsTaken || (a.callsTaken === b.callsTaken && idleTie(a, b)),
    ),
});
