import { idleTie, topK } from './top-k.js';
import type { Strategy } from './types.js';

/** The agent free the longest gets the call (app_queue leastrecent, mod_callcenter longest-idle-agent). */
export const longestIdle = (): Strategy => ({
  name: 'longest-idle',
  ringAll: false,
  rank: (candidates, k) => topK(candidates, k, idleTie),
});
