import { HotlineError } from '../../lib/errors.js';
import type { AgentState } from './agent-state.js';
import type { AgentDef, Decision, QueueDef, RouteRequest } from './model.js';
import { STRATEGIES, type Candidate, type Strategy } from './strategies/index.js';

interface Entry {
  def: AgentDef;
  state: AgentState;
  /** One membership per queue whose skill the agent has. */
  memberships: Map<string, Member>;
}

/**
 * An agent in one queue, and at the same time the candidate the strategies see (levels differ
 * per queue). One flat object, updated in place: the scan reads nothing else per agent.
 */
interface Member extends Candidate {
  /** The agent's regions as bits (see regionBits): a test without touching the region strings. */
  regionLo: number;
  regionHi: number;
  languages: readonly string[];
  available: boolean;
  loggedIn: boolean;
}

interface QueueIndex {
  def: QueueDef;
  strategy: Strategy;
  /** Everyone with the queue's skill, in a dense array: a decision scans it without lookups. */
  members: Member[];
  availableCount: number;
  /** Members not logged out: zero means nobody could ever answer (overflow at once). */
  loggedInCount: number;
  /** Scratch arrays reused by every decision, so deciding allocates almost nothing. */
  all: Candidate[];
  local: Candidate[];
}

export interface RouterOptions {
  /** How many ranked agents one reservation attempt covers. */
  k?: number;
  random?: () => number;
}

/**
 * The in-process decision: which available agents, in which order. It keeps an index of
 * available agents per queue so a decision touches only those, and it reserves nothing itself:
 * the caller reserves the ranked list atomically in Redis (RedisAgents.reserveFirst).
 */
export class Router {
  private readonly agents = new Map<string, Entry>();
  private readonly queues = new Map<string, QueueIndex>();
  private readonly k: number;
  private readonly random: () => number;
  /** Region name -> bit number (the first 64 distinct regions; China has 34 provincial ones). */
  private readonly regionBit = new Map<string, number>();

  constructor(agents: readonly AgentDef[], queues: readonly QueueDef[], opts: RouterOptions = {}) {
    this.k = opts.k ?? 3;
    this.random = opts.random ?? Math.random;
    for (const q of queues)
      this.queues.set(q.id, {
        def: q,
        strategy: STRATEGIES[q.strategy](),
        members: [],
        availableCount: 0,
        loggedInCount: 0,
        all: [],
        local: [],
      });
    for (const a of agents) {
      this.agents.set(a.id, { def: a, state: 'logged-out', memberships: new Map() });
      for (const r of a.regions)
        if (!this.regionBit.has(r) && this.regionBit.size < 64)
          this.regionBit.set(r, this.regionBit.size);
    }
    // Queue by queue, so one queue's members sit next to each other in memory: a decision scans
    // them in order, and at 20,000 agents cache misses, not comparisons, set its cost.
    for (const index of this.queues.values()) {
      for (const a of agents) {
        const level = a.skills[index.def.skill];
        if (level === undefined) continue;
        const slot = index.members.length;
        const [regionLo, regionHi] = this.regionBits(a.regions);
        const member: Member = {
          id: a.id,
          weight: a.weight,
          idleSince: 0,
          callsTaken: 0,
          talkTimeMs: 0,
          position: a.position,
          level,
          slot,
          regionLo,
          regionHi,
          languages: a.languages,
          available: false,
          loggedIn: false,
        };
        this.agents.get(a.id)?.memberships.set(index.def.id, member);
        index.members.push(member);
      }
    }
  }

  /** Two 32-bit masks of region bits (JavaScript bit operations are 32-bit). */
  private regionBits(regions: readonly string[]): [number, number] {
    let lo = 0;
    let hi = 0;
    for (const r of regions) {
      const bit = this.regionBit.get(r);
      if (bit === undefined) continue;
      if (bit < 32) lo |= 1 << bit;
      else hi |= 1 << (bit - 32);
    }
    return [lo, hi];
  }

  agent(id: string): AgentDef | undefined {
    return this.agents.get(id)?.def;
  }

  /** Keeps the index in step with the shared state (fed by Redis events). */
  update(
    agentId: string,
    state: AgentState,
    stats: { idleSince?: number; callsTaken?: number; talkTimeMs?: number } = {},
  ): void {
    const entry = this.agents.get(agentId);
    if (!entry) throw new HotlineError('AGENT_NOT_FOUND', `unknown agent ${agentId}`);
    entry.state = state;
    const available = state === 'available';
    const loggedIn = state !== 'logged-out';
    for (const [queueId, member] of entry.memberships) {
      if (stats.idleSince !== undefined) member.idleSince = stats.idleSince;
      if (stats.callsTaken !== undefined) member.callsTaken = stats.callsTaken;
      if (stats.talkTimeMs !== undefined) member.talkTimeMs = stats.talkTimeMs;
      const index = this.queues.get(queueId);
      if (!index) continue;
      if (member.loggedIn !== loggedIn) index.loggedInCount += loggedIn ? 1 : -1;
      member.loggedIn = loggedIn;
      if (member.available === available) continue;
      member.available = available;
      index.availableCount += available ? 1 : -1;
    }
  }

  availableCount(queueId: string): number {
    return this.queues.get(queueId)?.availableCount ?? 0;
  }

  loggedInCount(queueId: string): number {
    return this.queues.get(queueId)?.loggedInCount ?? 0;
  }

  decide(req: RouteRequest): Decision {
    const index = this.queues.get(req.queueId);
    if (!index) throw new HotlineError('ROUTER_CONFIG_INVALID', `unknown queue ${req.queueId}`);
    const step = stepAt(index.def, req.waitedMs);
    const minLevel = index.def.steps[step]?.minLevel ?? 1;
    const { all, local } = index;
    all.length = 0;
    local.length = 0;
    let last: Candidate | undefined;
    if (index.availableCount > 0) {
      const { language, lastAgentId } = req;
      const [lo, hi] = req.region ? this.regionBits([req.region]) : [0, 0];
      const byRegion = lo !== 0 || hi !== 0;
      for (const member of index.members) {
        if (!member.available || member.level < minLevel) continue;
        if (language && member.languages.length > 0 && !member.languages.includes(language))
          continue;
        all.push(member);
        if (byRegion && ((member.regionLo & lo) !== 0 || (member.regionHi & hi) !== 0))
          local.push(member);
        if (member.id === lastAgentId) last = member;
      }
    }
    const pool = index.def.preferRegion && local.length > 0 ? local : all;
    const ranked = index.strategy.rank(pool, index.strategy.ringAll ? pool.length : this.k, {
      random: this.random,
    });
    let preferred: Decision['preferred'] =
      pool === local && local.length > 0 ? 'region' : undefined;
    if (last && !index.strategy.ringAll) {
      const rest = ranked.filter((c) => c !== last);
      ranked.splice(0, ranked.length, last, ...rest.slice(0, this.k - 1));
      preferred = 'history';
    }
    return {
      ranked: ranked.map((c) => c.id),
      ringAll: index.strategy.ringAll,
      step,
      ...(preferred ? { preferred } : {}),
    };
  }

  /** Tells the queue's strategy who took the call (weighted round robin keeps score). */
  taken(queueId: string, agentId: string): void {
    const index = this.queues.get(queueId);
    const view = this.agents.get(agentId)?.memberships.get(queueId);
    if (!index?.strategy.taken || !view) return;
    const pool: Candidate[] = [];
    for (const m of index.members) if (m.available) pool.push(m);
    if (!pool.includes(view)) pool.push(view);
    index.strategy.taken(view, pool);
  }
}

/** Which escalation step applies after waiting `waitedMs`. */
export function stepAt(queue: QueueDef, waitedMs: number): number {
  let elapsed = 0;
  for (let i = 0; i < queue.steps.length; i++) {
    const timeout = queue.steps[i]?.timeoutSeconds;
    if (timeout === undefined) return i;
    elapsed += timeout * 1000;
    if (waitedMs < elapsed) return i;
  }
  return Math.max(0, queue.steps.length - 1);
}
