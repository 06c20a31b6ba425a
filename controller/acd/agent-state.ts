import { HotlineError } from '../../lib/errors.js';

/**
 * An agent's life, in the terms supervisors use: logged out, available, on break (with a reason),
 * reserved (chosen, not yet rung), ringing, talking, wrap-up. Every change is checked against this
 * table; anything else is refused with AGENT_ILLEGAL_TRANSITION.
 */
export const AGENT_STATES = [
  'logged-out',
  'available',
  'on-break',
  'reserved',
  'ringing',
  'talking',
  'wrap-up',
] as const;
export type AgentState = (typeof AGENT_STATES)[number];

const ALLOWED: Record<AgentState, readonly AgentState[]> = {
  'logged-out': ['available', 'on-break'],
  available: ['on-break', 'logged-out', 'reserved'],
  'on-break': ['available', 'logged-out'],
  // A reservation is confirmed by ringing, or released (also when its lease lapses).
  reserved: ['ringing', 'available', 'on-break', 'logged-out'],
  // No answer or reject: back to available, or on break after too many misses.
  ringing: ['talking', 'available', 'on-break', 'logged-out'],
  talking: ['wrap-up'],
  'wrap-up': ['available', 'on-break', 'logged-out'],
};

export interface AgentStatus {
  state: AgentState;
  /** When the agent entered this state (ms since epoch). */
  since: number;
  /** Why the agent is on break ('lunch', 'missed 3 calls', ...). */
  reason?: string | undefined;
  /** When a timed state (wrap-up) is due to end (ms since epoch). */
  until?: number | undefined;
}

export interface AgentTransition {
  agentId: string;
  from: AgentState;
  to: AgentState;
  at: number;
  reason?: string | undefined;
}

/** The states from which `to` may be entered (the table read backwards, for the Redis script). */
export function allowedFrom(to: AgentState): AgentState[] {
  return AGENT_STATES.filter((from) => ALLOWED[from].includes(to));
}

export function canTransition(from: AgentState, to: AgentState): boolean {
  return ALLOWED[from].includes(to);
}

/** The next status, or AGENT_ILLEGAL_TRANSITION. Pure: the caller stores and publishes it. */
export function transition(
  agentId: string,
  current: AgentStatus,
  to: AgentState,
  at: number,
  reason?: string,
): { status: AgentStatus; event: AgentTransition } {
  if (!canTransition(current.state, to)) throw illegalTransition(agentId, current.state, to);
  if (to === 'on-break' && !reason) reason = 'break';
  const status: AgentStatus = { state: to, since: at, ...(to === 'on-break' ? { reason } : {}) };
  return { status, event: { agentId, from: current.state, to, at, ...(reason ? { reason } : {}) } };
}

export function illegalTransition(agentId: string, from: AgentState, to: AgentState): HotlineError {
  return new HotlineError(
    'AGENT_ILLEGAL_TRANSITION',
    `agent ${agentId}: cannot go from ${from} to ${to}`,
    { details: { agentId, from, to } },
  );
}
