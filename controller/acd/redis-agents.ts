import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import type { Redis } from 'ioredis';
import {
  allowedFrom,
  illegalTransition,
  type AgentState,
  type AgentStatus,
} from './agent-state.js';

/** The Lua scripts ship as files beside this one in the source tree. */
const lua = (name: string): string =>
  readFileSync(join(PROJECT_ROOT, 'controller', 'acd', name), 'utf8');

type ScriptCommand = (numKeys: number, ...keysAndArgs: string[]) => Promise<unknown>;

/**
 * Agents' live state in Redis, shared by every controller. The decision runs in process; the
 * reservation is one atomic script over the ranked candidates.
 */
export class RedisAgents {
  private readonly reserveScript: ScriptCommand;
  private readonly settleScript: ScriptCommand;
  private readonly changeScript: ScriptCommand;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    // defineCommand runs EVALSHA and falls back to EVAL after a Redis restart forgot the script.
    redis.defineCommand('hotlineReserve', { lua: lua('reserve.lua') });
    redis.defineCommand('hotlineSettle', { lua: lua('settle.lua') });
    redis.defineCommand('hotlineChange', { lua: lua('change.lua') });
    const commands = redis as unknown as Record<
      'hotlineReserve' | 'hotlineSettle' | 'hotlineChange',
      ScriptCommand
    >;
    this.reserveScript = commands.hotlineReserve.bind(redis);
    this.settleScript = commands.hotlineSettle.bind(redis);
    this.changeScript = commands.hotlineChange.bind(redis);
  }

  key(agentId: string): string {
    return `${this.prefix}agent:${agentId}`;
  }

  /** The pub/sub channel carrying `<agentId> <state> <since>` for every change. */
  get channel(): string {
    return `${this.prefix}agent-state`;
  }

  /** Reserves the first free agent of `ranked`; undefined if all were taken meanwhile. */
  async reserveFirst(
    ranked: readonly string[],
    reservationId: string,
    leaseMs: number,
  ): Promise<string | undefined> {
    return (await this.reserve(ranked, reservationId, leaseMs, 'first'))[0];
  }

  /**
   * Takes the first free agent of `ranked` straight to ringing, for a caller who rings that agent
   * at once: the reservation and its confirmation in one step. Released with `settle` as usual.
   */
  async reserveToRing(
    ranked: readonly string[],
    reservationId: string,
    leaseMs: number,
  ): Promise<string | undefined> {
    return (await this.reserve(ranked, reservationId, leaseMs, 'ring'))[0];
  }

  /** Reserves every free agent of `ranked` under one reservation (ring-all). */
  async reserveAll(
    ranked: readonly string[],
    reservationId: string,
    leaseMs: number,
  ): Promise<string[]> {
    return this.reserve(ranked, reservationId, leaseMs, 'all');
  }

  private async reserve(
    ranked: readonly string[],
    reservationId: string,
    leaseMs: number,
    mode: 'first' | 'ring' | 'all',
  ): Promise<string[]> {
    if (ranked.length === 0) return [];
    const indexes = (await this.reserveScript(
      ranked.length,
      ...ranked.map((id) => this.key(id)),
      reservationId,
      String(leaseMs),
      this.channel,
      mode,
      ...ranked,
    )) as number[];
    return indexes.map((i) => ranked[i - 1]).filter((id): id is string => id !== undefined);
  }

  /**
   * Confirms (ringing) or releases (available) our own reservation; false if it lapsed. A release
   * after a missed or refused offer can hold the agent back for `cooldownMs`.
   */
  async settle(
    agentId: string,
    reservationId: string,
    next: 'ringing' | 'available',
    cooldownMs = 0,
  ): Promise<boolean> {
    return (
      (await this.settleScript(
        1,
        this.key(agentId),
        reservationId,
        next,
        this.channel,
        agentId,
        String(cooldownMs),
      )) === 1
    );
  }

  /** Follows every agent's state changes (any controller's); the returned function stops. */
  async follow(
    subscriber: Redis,
    onChange: (agentId: string, state: AgentState, since: number) => void,
  ): Promise<() => Promise<void>> {
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
    for (const id of agentIds) pipe.hmget(this.key(id), 'state', 'since', 'until', 'reason');
    const replies = (await pipe.exec()) ?? [];
    const out = new Map<string, AgentStatus>();
    agentIds.forEach((id, i) => {
      const [err, value] = replies[i] ?? [];
      const [state, since, until, reason] = (err ? [] : (value as (string | null)[])) ?? [];
      out.set(id, {
        state: (state ?? 'logged-out') as AgentState,
        since: Number(since ?? 0),
        ...(until ? { until: Number(until) } : {}),
        ...(reason ? { reason } : {}),
      });
    });
    return out;
  }

  async status(agentId: string): Promise<AgentStatus | undefined> {
    const [state, since, reason] = await this.redis.hmget(
      this.key(agentId),
      'state',
      'since',
      'reason',
    );
    if (!state) return undefined;
    return { state: state as AgentState, since: Number(since ?? 0), ...(reason ? { reason } : {}) };
  }

  /**
   * A change of state (log in, break, resume, log out, talking, wrap-up), checked against the state
   * machine inside Redis in one atomic step, so it is safe against a router reserving the agent
   * at the same moment. A timed state (wrap-up) stores when it ends (`forMs` from now, on Redis's
   * clock), so any controller can end it if its owner died.
   */
  async change(
    agentId: string,
    to: AgentState,
    reason?: string,
    forMs?: number,
  ): Promise<AgentStatus> {
    const why = to === 'on-break' ? (reason ?? 'break') : '';
    const lease = to !== 'reserved' && to !== 'ringing' ? '1' : '0';
    const reply = (await this.changeScript(
      1,
      this.key(agentId),
      agentId,
      to,
      allowedFrom(to).join(' '),
      why,
      forMs === undefined ? '' : String(Math.round(forMs)),
      this.channel,
      lease,
    )) as [number, number | string, string?];
    if (reply[0] !== 1) throw illegalTransition(agentId, String(reply[1]) as AgentState, to);
    const until = reply[2] ? Number(reply[2]) : undefined;
    return {
      state: to,
      since: Number(reply[1]),
      ...(why ? { reason: why } : {}),
      ...(until !== undefined ? { until } : {}),
    };
  }
}
