import { idleTie } from './top-k.js';
import type { Strategy } from './types.js';

/** Every free agent rings at once; the first to answer takes the call (others stop ringing). */
export const ringAll = (): Strategy => ({
  name: 'ring-all',
  ringAll: true,
  rank: (candidates) =>
    [...candidates].sort((a, b) => (idleTie(a, b) ? -1 : idleTie(b, a) ? 1 : 0)),
});
