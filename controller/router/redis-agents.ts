import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../util/project-root.js';
import type { Redis } from 'ioredis';
import { HotlineError } from '../errors.js';
import { transition, type AgentState, type AgentStatus } from './agent-state.js';

/** The Lua scripts ship as files beside this one in the source tree. */
const lua = (name: string): string => readFileSync(join(PROJECT_ROOT, 'controller', 'router', name), 'utf8');

type ScriptCommand = (numKeys: number, ...keysAndArgs: string[]) => Promise<unknown>;

/**
 * Agents' live state in Redis, shared by every controller. The decision runs in process; the
 * reservation is one atomic script over the ranked candidates.
 */
export class RedisAgents {
  private readonly reserveScript: ScriptCommand;
  private readonly settleScript: ScriptCommand;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    // defineCommand runs EVALSHA and falls back to EVAL after a Redis restart forgot the script.
    redis.defineCommand('hotlineReserve', { lua: lua('reserve.lua') });
    redis.defineCommand('hotlineSettle', { lua: lua('settle.lua') });
    const commands = redis as unknown as Record<'hotlineReserve' | 'hotlineSettle', ScriptCommand>;
    this.reserveScript = commands.hotlineReserve.bind(redis);
    this.settleScript = commands.hotlineSettle.bind(redis);
  }

  key(agentId: string): string {
    return `${this.prefix}agent:${agentId}`;
  }

  /** The pub/sub channel carrying `<agentId> <state> <since>` for every change. */
  get channel(): string {
    return `${this.prefix}agent-state`;
  }

  /** Reserves the first free agent of `ranked`; undefined if all were taken meanwhile. */
  async reserveFirst(ranked: readonly string[], reservationId: string, leaseMs: number): Promise<string | undefined> {
    return (await this.reserve(ranked, reservationId, leaseMs, 'first'))[0];
  }

  /** Reserves every free agent of `ranked` under one reservation (ring-all). */
  async reserveAll(ranked: readonly string[], reservationId: string, leaseMs: number): Promise<string[]> {
    return this.reserve(ranked, reservationId, leaseMs, 'all');
  }

  private async reserve(ranked: readonly string[], reservationId: string, leaseMs: number, mode: 'first' | 'all'): Promise<string[]> {
    if (ranked.length === 0) return [];
    const indexes = (await this.reserveScript(ranked.length, ...ranked.map((id) => this.key(id)), reservationId, String(leaseMs), this.channel, mode, ...ranked)) as number[];
    return indexes.map((i) => ranked[i - 1]).filter((id): id is string => id !== undefined);
  }

  /**
   * Confirms (ringing) or releases (available) our own reservation; false if it lapsed. A release
   * after a missed or refused offer can hold the agent back for `cooldownMs`.
   */
  async settle(agentId: string, reservationId: string, next: 'ringing' | 'available', cooldownMs = 0): Promise<boolean> {
    return (await this.settleScript(1, this.key(agentId), reservationId, next, this.channel, agentId, String(cooldownMs))) === 1;
  }

  /** Follows every agent's state changes (any controller's); the returned function stops. */
  async follow(subscriber: Redis, onChange: (agentId: string, state: AgentState, since: number) => void): Promise<() => Promise<void>> {
    const listener = (channel: string, message: string): void => {
      if (channel !== this.channel) return;
      const [agentId, state, since] = message.split(' ');
      if (agentId && state) onChange(agentId, state as AgentState, Number(since ?? 0));
    };
    subscriber.on('message', listener);
    await subscriber.subscribe(this.channel);
    return async () => {
      subscriber.off('message', listener);
      await subscriber.unsubscribe(this.channel);
    };
  }

  /** Every listed agent's state in one round trip (missing agents are logged out). */
  async statuses(agentIds: readonly string[]): Promise<Map<string, AgentStatus>> {
    const pipe = this.redis.pipeline();
    for (const id of agentIds) pipe.hmget(this.key(id), 'state', 'since', 'until');
    const replies = (await pipe.exec()) ?? [];
    const out = new Map<string, AgentStatus>();
    agentIds.forEach((id, i) => {
      const [err, value] = replies[i] ?? [];
      const [state, since, until] = (err ? [] : (value as (string | null)[])) ?? [];
      out.set(id, { state: (state ?? 'logged-out') as AgentState, since: Number(since ?? 0), ...(until ? { until: Number(until) } : {}) });
    });
    return out;
  }

  async status(agentId: string): Promise<AgentStatus | undefined> {
    const [state, since, reason] = await this.redis.hmget(this.key(agentId), 'state', 'since', 'reason');
    if (!state) return undefined;
    return { state: state as AgentState, since: Number(since ?? 0), ...(reason ? { reason } : {}) };
  }

  /**
   * A supervisor's or agent's own change (log in, break, resume, log out), checked against the
   * state machine. WATCH makes it safe against a router reserving the agent at the same moment.
   */
  async change(agentId: string, to: AgentState, reason?: string, until?: number): Promise<AgentStatus> {
    const key = this.key(agentId);
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.redis.watch(key);
      const current = (await this.status(agentId)) ?? { state: 'logged-out' as const, since: 0 };
      let next: AgentStatus;
      try {
        next = transition(agentId, current, to, Date.now(), reason).status;
      } catch (err) {
        await this.redis.unwatch();
        throw err;
      }
      const multi = this.redis.multi().hset(key, 'state', next.state, 'since', String(next.since));
      if (next.reason) multi.hset(key, 'reason', next.reason);
      else multi.hdel(key, 'reason');
      if (to !== 'reserved' && to !== 'ringing') multi.hdel(key, 'lease', 'leaseUntil');
      // A person's own change (log in, resume) ends any rest imposed after a missed call.
      multi.hdel(key, 'cooldownUntil');
      // When a timed state (wrap-up) ends, so any controller can end it if its owner died.
      if (until !== undefined) multi.hset(key, 'until', String(until));
      else multi.hdel(key, 'until');
      multi.publish(this.channel, `${agentId} ${next.state} ${next.since}`);
      if (await multi.exec()) return next;
    }
    throw new HotlineError('AGENT_ILLEGAL_TRANSITION', `agent ${agentId}: state kept changing under us`);
  }
}
