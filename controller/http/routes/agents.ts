import { z } from 'zod';
import { illegalTransition, type AgentState } from '../../acd/agent-state.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../problem.js';
import { json, route } from '../route.js';

const agentParam = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) });
const EVERYONE = ['admin', 'supervisor', 'agent'] as const;
const status = z
  .object({
    id: z.string(),
    name: z.string(),
    state: z.string(),
    since: z.string().optional(),
    reason: z.string().optional(),
  })
  .loose();

function known(deps: ApiDeps, id: string): { id: string; name: string } {
  const a = deps.routing.config.agents.find((x) => x.id === id);
  if (!a) throw new ApiError(404, 'AGENT_NOT_FOUND', `unknown agent ${id}`);
  return a;
}

async function view(deps: ApiDeps, id: string): Promise<Record<string, unknown>> {
  const a = known(deps, id);
  const s = await deps.routing.agents.status(id);
  return {
    ...a,
    state: s?.state ?? 'logged-out',
    ...(s ? { since: new Date(s.since).toISOString() } : {}),
    ...(s?.reason ? { reason: s.reason } : {}),
  };
}

/** A state change an agent makes on itself (or a supervisor on its behalf), checked by the state machine. */
function change(verb: 'login' | 'logout' | 'pause' | 'resume', to: AgentState, summary: string) {
  return route({
    method: 'post',
    path: `/v1/agents/{id}/${verb}`,
    summary,
    tag: 'agents',
    roles: EVERYONE,
    self: 'id',
    params: agentParam,
    ...(verb === 'pause'
      ? {
          body: z.strictObject({
            reason: z
              .string()
              .min(1)
              .max(100)
              .regex(/^[^\p{C}]+$/u, 'no control characters'),
          }),
        }
      : {}),
    needs: ['redis'],
    responses: { 200: { description: 'the new state', schema: status } },
    handler: async ({ c, deps, params, body, log }) => {
      known(deps, params.id);
      const reason = (body as { reason?: string } | undefined)?.reason;
      // Resume means "back from a break"; logging in is login (the state machine allows both).
      if (verb === 'resume') {
        const now = (await deps.routing.agents.status(params.id))?.state ?? 'logged-out';
        if (now !== 'on-break') throw illegalTransition(params.id, now, to);
      }
      await deps.routing.agents.change(params.id, to, reason);
      log.info({ agentId: params.id, to }, 'agent state changed through the API');
      return json(c, 200, await view(deps, params.id));
    },
  });
}

/** Agents' live state and their own state changes (definitions: routing-admin.ts). */
export const agentRoutes = [
  route({
    method: 'get',
    path: '/v1/agents',
    summary: 'List agents with their live state',
    tag: 'agents',
    roles: ['admin', 'supervisor'],
    needs: ['redis'],
    responses: { 200: { description: 'agents', schema: z.object({ agents: z.array(status) }) } },
    handler: async ({ c, deps }) => {
      const ids = deps.routing.config.agents.map((a) => a.id);
      const states = await deps.routing.agents.statuses(ids);
      const agents = deps.routing.config.agents.map((a) => {
        const s = states.get(a.id);
        // `statuses` reads an agent without a record as logged-out since 0: no `since` then, as in `view`.
        return {
          ...a,
          state: s?.state ?? 'logged-out',
          ...(s?.since ? { since: new Date(s.since).toISOString() } : {}),
          ...(s?.reason ? { reason: s.reason } : {}),
        };
      });
      return json(c, 200, { agents });
    },
  }),
  route({
    method: 'get',
    path: '/v1/agents/{id}',
    summary: 'Get an agent and its current state',
    tag: 'agents',
    roles: EVERYONE,
    self: 'id',
    params: agentParam,
    needs: ['redis'],
    responses: { 200: { description: 'the agent', schema: status } },
    handler: async ({ c, deps, params }) => json(c, 200, await view(deps, params.id)),
  }),
  change('login', 'available', 'Log an agent in (available)'),
  change('logout', 'logged-out', 'Log an agent out'),
  change('pause', 'on-break', 'Pause an agent, with a reason'),
  change('resume', 'available', 'Resume a paused agent'),
];
