import { Redis } from 'ioredis';
import { HotlineError } from '../../../lib/errors.js';
import { hasControl, NO_CONTROL, printable, terminalJson } from '../../../lib/text.js';
import type { Config } from '../../config/schema.js';
import { AGENT_STATES, type AgentState, type AgentStatus } from '../../acd/agent-state.js';
import type { AgentConfig } from '../../acd/config-schema.js';
import { loadRouting } from '../../acd/config-load.js';
import { RedisAgents } from '../../acd/redis-agents.js';
import { QueueStatistics, type QueueStats } from '../../acd/stats.js';
import { WaitingLine } from '../../acd/waiting.js';
import { loadRegions, routingDir } from '../../acd/directory.js';
import { configFrom } from '../config-option.js';

/** `hotline routing check [DIR]`: one line per problem, `file:line: key: reason`; exit 1 if any. */
export function routingCheckCommand(dir: string | undefined, opts: { config?: string }): void {
  const target = dir ?? routingDir(configFrom(opts).config);
  const routing = loadRouting(target);
  const regions = loadRegions(target);
  process.stdout.write(
    `${target}: ${routing.agents.length} agents, ${routing.queues.length} queues, ${routing.skills.length} skills, ${regions.size} region prefixes: OK\n`,
  );
}

async function withAgents<T>(config: Config, fn: (agents: RedisAgents) => Promise<T>): Promise<T> {
  const redis = new Redis(config.redis.url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    lazyConnect: true,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await fn(new RedisAgents(redis, config.redis.keyPrefix));
  } finally {
    redis.disconnect();
  }
}

export async function agentsListCommand(opts: { config?: string; json: boolean }): Promise<void> {
  const { config } = configFrom(opts);
  const routing = loadRouting(routingDir(config));
  const rows = await withAgents(config, async (store) =>
    Promise.all(
      routing.agents.map(async (a) => ({
        ...a,
        status: (await store.status(a.id)) ?? { state: 'logged-out' as const, since: 0 },
      })),
    ),
  );
  process.stdout.write(agentsTable(rows, opts.json));
}

/**
 * `hotline agents` output. Names and reasons are checked where they come in; what Redis or a file
 * holds is still never written to the terminal as control characters.
 */
export function agentsTable(
  rows: readonly (AgentConfig & { status: Pick<AgentStatus, 'state' | 'reason'> })[],
  json: boolean,
): string {
  if (json) return `${terminalJson(rows)}\n`;
  const lines = ['id        name             state              skills'];
  for (const r of rows) {
    const skills = Object.entries(r.skills)
      .map(([s, l]) => `${s}:${l}`)
      .join(' ');
    const state = r.status.state + (r.status.reason ? ` (${r.status.reason})` : '');
    lines.push(
      `${printable(r.id).padEnd(9)} ${printable(r.name).padEnd(16)} ${printable(state).padEnd(18)} ${printable(skills)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function agentStateCommand(
  id: string,
  state: string,
  opts: { config?: string; reason?: string },
): Promise<void> {
  const { config } = configFrom(opts);
  const routing = loadRouting(routingDir(config));
  if (!routing.agents.some((a) => a.id === id)) throw new Error(`unknown agent ${id}`);
  if (!(AGENT_STATES as readonly string[]).includes(state))
    throw new Error(`state must be one of ${AGENT_STATES.join(', ')}`);
  if (
    opts.reason !== undefined &&
    (opts.reason === '' || opts.reason.length > 100 || hasControl(opts.reason))
  )
    throw new HotlineError('CONFIG_INVALID', `--reason: 1 to 100 characters, ${NO_CONTROL}`);
  const status = await withAgents(config, (store) =>
    store.change(id, state as AgentState, opts.reason),
  );
  process.stdout.write(
    `agent ${printable(id)}: ${status.state}${status.reason ? ` (${printable(status.reason)})` : ''}\n`,
  );
}

export async function queuesListCommand(opts: { config?: string; json: boolean }): Promise<void> {
  const { config } = configFrom(opts);
  const routing = loadRouting(routingDir(config));
  const redis = new Redis(config.redis.url, {
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    lazyConnect: true,
  });
  redis.on('error', () => undefined);
  let stats: (QueueStats | undefined)[] = routing.queues.map(() => undefined);
  try {
    await redis.connect();
    const figures = new QueueStatistics(
      redis,
      config.redis.keyPrefix,
      new WaitingLine(redis, config.redis.keyPrefix),
    );
    stats = await Promise.all(routing.queues.map((q) => figures.get(q.id)));
  } catch {
    process.stderr.write('(Redis unreachable: live figures left out)\n');
  } finally {
    redis.disconnect();
  }
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify(routing.queues.map((q, i) => ({ ...q, today: stats[i] })))}\n`,
    );
    return;
  }
  const pct = (v: number | null | undefined): string =>
    v === null || v === undefined ? '-' : `${Math.round(v * 100)}%`;
  process.stdout.write(
    'id        skill     strategy              SL(s) overflow         ' +
      'waiting longest  offered answered abandoned  SL   SL2  ASA(s)\n',
  );
  routing.queues.forEach((q, i) => {
    const t = stats[i];
    const overflow = q.overflow
      ? q.overflow.type === 'queue'
        ? `queue ${q.overflow.target}`
        : q.overflow.type
      : '-';
    process.stdout.write(
      `${q.id.padEnd(9)} ${q.skill.padEnd(9)} ${q.strategy.padEnd(21)} ${String(q.serviceLevelSeconds).padEnd(5)} ${overflow.padEnd(16)} ` +
        `${String(t?.waiting ?? '-').padEnd(7)} ${`${t?.longestWaitSeconds ?? '-'}s`.padEnd(8)} ${String(t?.offered ?? '-').padEnd(7)} ${String(t?.answered ?? '-').padEnd(8)} ` +
        `${String(t?.abandoned ?? '-').padEnd(10)} ${pct(t?.serviceLevel).padEnd(4)} ${pct(t?.serviceLevel2).padEnd(4)} ${t?.averageSpeedOfAnswerSeconds ?? '-'}\n`,
    );
  });
}
