import { idleTie, topK } from './top-k.js';
import type { Strategy } from './types.js';

/** The agent with the least talk time (mod_callcenter agent-with-least-talk-time). */
export const leastTalkTime = (): Strategy => ({
  name: 'least-talk-time',
  ringAll: false,
  rank: (candidates, k) =>
    topK(
      candidates,
      k,
      (a, b) => a.talkTimeMs < b.talkTimeMs || (a.talkTimeMs === b.talkTimeMs && idleTie(a, b)),
    ),
});
