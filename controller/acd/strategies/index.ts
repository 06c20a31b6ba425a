import { fewestCalls } from './fewest-calls.js';
import { leastTalkTime } from './least-talk-time.js';
import { linear } from './linear.js';
import { longestIdle } from './longest-idle.js';
import { random } from './random.js';
import { ringAll } from './ring-all.js';
import type { Strategy, StrategyName } from './types.js';
import { weightedRoundRobin } from './weighted-round-robin.js';

export type { Candidate, Strategy, StrategyContext, StrategyName } from './types.js';
export { STRATEGY_NAMES } from './types.js';

/** The registry: a queue names its strategy; each queue gets its own instance (WRR keeps state). */
export const STRATEGIES: Record<StrategyName, () => Strategy> = {
  'weighted-round-robin': weightedRoundRobin,
  'longest-idle': longestIdle,
  'fewest-calls': fewestCalls,
  'least-talk-time': leastTalkTime,
  'ring-all': ringAll,
  random,
  linear,
};
