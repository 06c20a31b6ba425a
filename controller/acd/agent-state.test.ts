import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import {
  AGENT_STATES,
  allowedFrom,
  canTransition,
  transition,
  type AgentState,
} from './agent-state.js';

const legal: [AgentState, AgentState][] = [
  ['logged-out', 'available'],
  ['logged-out', 'on-break'],
  ['available', 'reserved'],
  ['available', 'on-break'],
  ['available', 'logged-out'],
  ['on-break', 'available'],
  ['on-break', 'logged-out'],
  ['reserved', 'ringing'],
  ['reserved', 'available'],
  ['reserved', 'on-break'],
  ['reserved', 'logged-out'],
  ['ringing', 'talking'],
  ['ringing', 'available'],
  ['ringing', 'on-break'],
  ['ringing', 'logged-out'],
  ['talking', 'wrap-up'],
  ['wrap-up', 'available'],
  ['wrap-up', 'on-break'],
  ['wrap-up', 'logged-out'],
];

describe('agent state machine', () => {
  it.each(legal)('%s -> %s is allowed, stamped and published', (from, to) => {
    const { status, event } = transition(
      'a1',
      { state: from, since: 1 },
      to,
      5,
      to === 'on-break' ? 'lunch' : undefined,
    );
    expect(status.state).toBe(to);
    expect(status.since).toBe(5);
    expect(event).toMatchObject({ agentId: 'a1', from, to, at: 5 });
  });

  const illegal = AGENT_STATES.flatMap((from) =>
    AGENT_STATES.filter((to) => !legal.some(([f, t]) => f === from && t === to)).map(
      (to) => [from, to] as [AgentState, AgentState],
    ),
  );

  it.each(illegal)('%s -> %s is refused with a typed error', (from, to) => {
    expect(canTransition(from, to)).toBe(false);
    try {
      transition('a1', { state: from, since: 1 }, to, 5);
      expect.unreachable();
    } catch (err) {
      expect(isHotlineError(err, 'AGENT_ILLEGAL_TRANSITION')).toBe(true);
      expect((err as { details: unknown }).details).toEqual({ agentId: 'a1', from, to });
    }
  });

  it.each(AGENT_STATES)(
    'the Redis script is told exactly the states %s may be entered from',
    (to) => {
      expect(allowedFrom(to).sort()).toEqual(
        legal
          .filter(([, t]) => t === to)
          .map(([f]) => f)
          .sort(),
      );
    },
  );

  it('a talking agent cannot be taken off a call by a break or a logout', () => {
    expect(canTransition('talking', 'on-break')).toBe(false);
    expect(canTransition('talking', 'logged-out')).toBe(false);
  });

  it('a break always carries a reason', () => {
    expect(transition('a1', { state: 'available', since: 0 }, 'on-break', 1).status.reason).toBe(
      'break',
    );
    expect(
      transition('a1', { state: 'available', since: 0 }, 'on-break', 1, 'training').status.reason,
    ).toBe('training');
  });
});
