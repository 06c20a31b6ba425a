/** What a strategy knows of an agent who could take the call now. */
export interface Candidate {
  id: string;
  /** Share of calls relative to others (> 0). */
  weight: number;
  /** Since when the agent has been free (ms since epoch). */
  idleSince: number;
  callsTaken: number;
  talkTimeMs: number;
  /** Order for linear hunting (lower first). */
  position: number;
  /** Skill level for the queue's skill. */
  level: number;
  /** A small integer unique within the queue: stateful strategies index arrays with it. */
  slot: number;
}

export interface StrategyContext {
  random: () => number;
}

/**
 * A strategy ranks the candidates and returns the best `k`, best first (the router tries to
 * reserve them in that order, in one atomic step). Stateful strategies learn which one was taken.
 */
export interface Strategy {
  readonly name: StrategyName;
  /** Ring every candidate at once (the first to answer wins). */
  readonly ringAll: boolean;
  rank(candidates: readonly Candidate[], k: number, ctx: StrategyContext): Candidate[];
  taken?(chosen: Candidate, candidates: readonly Candidate[]): void;
}

export const STRATEGY_NAMES = [
  'weighted-round-robin',
  'longest-idle',
  'fewest-calls',
  'least-talk-time',
  'ring-all',
  'random',
  'linear',
] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];
