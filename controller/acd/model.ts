import type { StrategyName } from './strategies/index.js';

/** An agent as configured (dialplan/routing/agents.yaml, or the API). */
export interface AgentDef {
  id: string;
  name: string;
  /** Dial string on the media server, e.g. PJSIP/1001. */
  endpoint: string;
  /** Dial strings by media server id, where they differ from `endpoint`. */
  endpoints?: Record<string, string> | undefined;
  /** Skill -> level (1 = basic ... 5 = expert). */
  skills: Record<string, number>;
  /** Regions the agent serves best (region codes from the region table); empty: any. */
  regions: string[];
  /** Languages the agent speaks; empty: any. */
  languages: string[];
  /** Share of calls under weighted round robin (> 0). */
  weight: number;
  /** Order for linear hunting. */
  position: number;
}

/** One escalation step, in the manner of TaskRouter workflows. */
export interface QueueStep {
  /** Lowest skill level that may take the call during this step. */
  minLevel: number;
  /** How long the step lasts before the next one; absent on the last step. */
  timeoutSeconds?: number | undefined;
}

export interface QueueDef {
  id: string;
  /** The skill group this queue serves. */
  skill: string;
  strategy: StrategyName;
  steps: QueueStep[];
  /** Prefer agents who serve the caller's region when any is free. */
  preferRegion: boolean;
}

/** A caller asking for an agent. */
export interface RouteRequest {
  queueId: string;
  /** Time already spent waiting in this queue (drives the escalation steps). */
  waitedMs: number;
  region?: string | undefined;
  language?: string | undefined;
  /** The agent who served this caller last, if within the history window. */
  lastAgentId?: string | undefined;
}

export interface Decision {
  /** Agents to try, best first (all of them at once when ringAll). */
  ranked: string[];
  ringAll: boolean;
  /** Index of the escalation step in force. */
  step: number;
  /** Why the first one was chosen first. */
  preferred?: 'history' | 'region' | undefined;
}
