import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import type { AgentState } from './agent-state.js';
import type { QueueConfig, RoutingConfig } from './config-schema.js';
import { routerFor, RoutingDirectory } from './directory.js';
import type { ServiceHistory } from './history.js';
import type { RedisAgents } from './redis-agents.js';
import type { Router } from './router.js';
import type { QueueStatistics } from './stats.js';
import type { WaitingLine } from './waiting.js';
import { ignored } from '../../lib/settle.js';

/**
 * What a call needs to reach an agent: the routing configuration, the in-process router kept in
 * step with every controller's agent changes (Redis pub/sub), the shared agent store, the service
 * history. Built once by the composition root.
 */
export class RoutingService {
  router: Router;
  private readonly misses = new Map<string, number>();
  private readonly wrapUps = new Map<string, NodeJS.Timeout>();
  private unfollow: (() => Promise<void>) | undefined;
  private refresher: NodeJS.Timeout | undefined;

  constructor(
    readonly directory: RoutingDirectory,
    readonly agents: RedisAgents,
    readonly history: ServiceHistory,
    readonly waiting: WaitingLine,
    readonly stats: QueueStatistics,
    private readonly subscriber: Redis,
    readonly log: Logger,
  ) {
    this.router = routerFor(directory.config);
    subscriber.on('error', (err: Error) => log.debug({ err }, 'agent-state subscriber error'));
  }

  get config(): RoutingConfig {
    return this.directory.config;
  }

  /** The caller's region by number (longest-prefix match), or undefined when not listed. */
  regionOf(callerNumber: string): string | undefined {
    const hit = this.directory.regions.lookup(callerNumber);
    return hit.matched ? hit.region : undefined;
  }

  queue(id: string): QueueConfig | undefined {
    return this.config.queues.find((q) => q.id === id);
  }

  /**
   * Follows agents' changes, then loads every agent's state. Redis pub/sub drops what is published
   * while a subscriber is away, so the states are read again after every reconnect and, as a
   * safety net, every few seconds.
   */
  async start(): Promise<void> {
    this.unfollow = await this.agents.follow(this.subscriber, (id, state, since) => {
      this.apply(id, state, since);
      for (const l of this.changeListeners) l(id, state, since);
    });
    this.subscriber.on('ready', this.onReconnect);
    this.refresher = setInterval(
      () => void this.refresh().catch(ignored(this.log, 'reading the agent states again')),
      5000,
    );
    this.refresher.unref();
    await this.refresh();
  }

  async stop(): Promise<void> {
    for (const t of this.wrapUps.values()) clearTimeout(t);
    this.wrapUps.clear();
    clearInterval(this.refresher);
    this.subscriber.off('ready', this.onReconnect);
    await this.unfollow?.().catch(ignored(this.log, 'no longer following agent changes'));
  }

  private readonly onReconnect = (): void => {
    // Give ioredis a moment to subscribe again, so nothing falls between the read and the feed.
    setTimeout(
      () =>
        void this.refresh().catch(
          ignored(this.log, 'reading the agent states again after a reconnect'),
        ),
      200,
    ).unref();
  };

  private async refresh(): Promise<void> {
    const states = await this.agents.statuses(this.config.agents.map((a) => a.id));
    const now = Date.now();
    for (const [id, status] of states) {
      this.apply(id, status.state, status.since);
      // A wrap-up whose controller died before ending it: any controller ends it (the state
      // machine and WATCH make sure only one does).
      if (
        status.state === 'wrap-up' &&
        status.until !== undefined &&
        status.until + 2000 < now &&
        !this.wrapUps.has(id)
      ) {
        await this.agents
          .change(id, 'available')
          .catch(ignored(this.log, 'ending a wrap-up left by a controller that is gone'));
      }
    }
  }

  /** Every agent state change any controller publishes (the API's event stream). */
  onAgentChange(listener: (agentId: string, state: AgentState, since: number) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  private readonly changeListeners = new Set<
    (agentId: string, state: AgentState, since: number) => void
  >();

  /**
   * The routing files changed (reload, or the API): a fresh router over the new agents and
   * queues, fed the live states again so nobody is offered twice or forgotten.
   */
  reconfigure(): void {
    this.router = routerFor(this.directory.config);
    void this.refresh().catch((err: unknown) =>
      this.log.warn({ err }, 'agent states not reloaded after a routing change'),
    );
  }

  closeSubscriber(): void {
    this.subscriber.disconnect();
  }

  private apply(agentId: string, state: AgentState, since: number): void {
    if (!this.router.agent(agentId)) return;
    this.router.update(agentId, state, state === 'available' ? { idleSince: since } : {});
  }

  /** A missed offer; after the queue's limit the agent goes on break (app_queue's autopause). */
  async missed(agentId: string, queue: QueueConfig): Promise<void> {
    const n = (this.misses.get(agentId) ?? 0) + 1;
    this.misses.set(agentId, n);
    if (n < queue.maxNoAnswer) return;
    this.misses.delete(agentId);
    await this.agents
      .change(agentId, 'on-break', `missed ${n} calls`)
      .catch((err: unknown) => this.log.warn({ err, agentId }, 'could not pause agent'));
  }

  answered(agentId: string): void {
    this.misses.delete(agentId);
  }

  /** After the call, wrap-up for the queue's time, then available again. */
  async wrapUp(agentId: string, queue: QueueConfig, talkMs: number): Promise<void> {
    await this.agents.change(agentId, 'wrap-up', undefined, queue.wrapUpSeconds * 1000);
    void this.stats
      .handled(queue.id, talkMs, queue.wrapUpSeconds * 1000)
      .catch(ignored(this.log, 'counting the handled call'));
    clearTimeout(this.wrapUps.get(agentId));
    this.wrapUps.set(
      agentId,
      setTimeout(() => {
        this.wrapUps.delete(agentId);
        this.agents
          .change(agentId, 'available')
          .catch((err: unknown) => this.log.warn({ err, agentId }, 'wrap-up end failed'));
      }, queue.wrapUpSeconds * 1000),
    );
  }
}
