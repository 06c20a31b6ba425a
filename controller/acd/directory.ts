import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { HotlineError } from '../../lib/errors.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import {
  agentSchema,
  queueSchema,
  type AgentConfig,
  type QueueConfig,
  type RoutingConfig,
} from './config-schema.js';
import { checkRouting, describeProblem } from './config-check.js';
import { loadRouting } from './config-load.js';
import type { AgentDef, QueueDef } from './model.js';
import { RegionTable } from './region.js';
import { Router } from './router.js';

/**
 * The routing configuration in force, and the one way to change it (files reloaded, or changes
 * through the programmatic interface the API will expose). A change that does not validate is
 * refused whole and the last good configuration keeps serving.
 */
export class RoutingDirectory {
  private current: RoutingConfig;
  /** Caller number -> region (dialplan/routing/regions/*.tsv). */
  regions: RegionTable;

  constructor(
    private readonly dir: string,
    private readonly onChange: (config: RoutingConfig) => void = () => undefined,
  ) {
    this.current = loadRouting(dir);
    this.regions = loadRegions(dir);
  }

  get config(): RoutingConfig {
    return this.current;
  }

  /** The folder the files are read from (and the API writes its changes back to). */
  get folder(): string {
    return this.dir;
  }

  /** Re-reads the files; on error throws ROUTER_CONFIG_INVALID and keeps the current configuration. */
  reload(): RoutingConfig {
    const next = loadRouting(this.dir);
    const regions = loadRegions(this.dir);
    this.apply(next);
    this.regions = regions;
    return this.current;
  }

  upsertAgent(input: unknown): AgentConfig {
    const agent = parse(agentSchema, input, 'agent');
    this.apply({
      ...this.current,
      agents: [...this.current.agents.filter((a) => a.id !== agent.id), agent],
    });
    return agent;
  }

  removeAgent(id: string): void {
    if (!this.current.agents.some((a) => a.id === id))
      throw new HotlineError('AGENT_NOT_FOUND', `unknown agent ${id}`);
    this.apply({ ...this.current, agents: this.current.agents.filter((a) => a.id !== id) });
  }

  upsertQueue(input: unknown): QueueConfig {
    const queue = parse(queueSchema, input, 'queue');
    this.apply({
      ...this.current,
      queues: [...this.current.queues.filter((q) => q.id !== queue.id), queue],
    });
    return queue;
  }

  removeQueue(id: string): void {
    if (!this.current.queues.some((q) => q.id === id))
      throw new HotlineError('ROUTER_CONFIG_INVALID', `unknown queue ${id}`);
    this.apply({ ...this.current, queues: this.current.queues.filter((q) => q.id !== id) });
  }

  private apply(next: RoutingConfig): void {
    const problems = checkRouting(next).map(describeProblem);
    if (problems.length > 0)
      throw new HotlineError(
        'ROUTER_CONFIG_INVALID',
        `routing change refused: ${problems.join('; ')}`,
        { details: { problems } },
      );
    this.current = next;
    this.onChange(next);
  }
}

function parse<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  input: unknown,
  what: string,
): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (i) => `${what}.${i.path.map(String).join('.')}: ${i.message}`,
  );
  throw new HotlineError('ROUTER_CONFIG_INVALID', `${what} refused: ${problems.join('; ')}`, {
    details: { problems },
  });
}

/** Builds the in-process router for a configuration. */
export function routerFor(config: RoutingConfig): Router {
  const agents: AgentDef[] = config.agents.map((a) => ({ ...a }));
  const queues: QueueDef[] = config.queues.map((q) => ({
    id: q.id,
    skill: q.skill,
    strategy: q.strategy,
    steps: q.steps,
    preferRegion: q.preferRegion,
  }));
  return new Router(agents, queues);
}

/** Where the routing files are: the configured folder, else the project's dialplan/routing. */
export const routingDir = (config: Pick<Config, 'routing'>): string =>
  config.routing.dir || join(PROJECT_ROOT, 'dialplan', 'routing');

/**
 * The region tables of a routing folder: every `regions/*.tsv`, in name order (a later file
 * overrides an earlier one, so an admin's full number-segment database can be dropped beside the
 * shipped sample). No folder: every caller is in the fallback region.
 */
export function loadRegions(dir: string): RegionTable {
  const folder = join(dir, 'regions');
  let names: string[];
  try {
    names = readdirSync(folder)
      .filter((n) => n.endsWith('.tsv'))
      .sort();
  } catch {
    names = [];
  }
  return RegionTable.load(names.map((n) => join(folder, n)));
}
