import { z } from 'zod';
import { isHotlineError } from '../../../lib/errors.js';
import type { AgentState } from '../../acd/agent-state.js';
import {
  agentSchema,
  queueSchema,
  type AgentConfig,
  type QueueConfig,
} from '../../acd/config-schema.js';
import type { RoutingDirectory } from '../../acd/directory.js';
import { saveAgents, saveQueues } from '../../acd/save.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../problem.js';
import { json, route } from '../route.js';

const ID = /^[A-Za-z0-9_.-]{1,64}$/;
const idParams = z.strictObject({ id: z.string().regex(ID) });
// Names are checked with the rest of the change (422 ROUTER_CONFIG_INVALID, like the files): a
// control character in one is not a malformed request but a value the configuration refuses.
const name = z
  .string()
  .min(1)
  .max(100)
  .describe('shown to people: no control characters (NUL, ESC, newline...)');
const agentBody = agentSchema.extend({ name });
const queueBody = queueSchema.extend({ name: name.optional() });
const agentChange = agentBody.partial({ id: true });
const queueChange = queueBody.partial({ id: true });
const deleted = z.object({ id: z.string(), deleted: z.literal(true) });
const statsSchema = z.object({
  queue: z.string(),
  day: z.string(),
  waiting: z.number().int(),
  longestWaitSeconds: z.number(),
  offered: z.number().int(),
  answered: z.number().int(),
  abandoned: z.number().int(),
  serviceLevel: z.number().nullable(),
  serviceLevel2: z.number().nullable(),
  averageSpeedOfAnswerSeconds: z.number().nullable(),
  abandonmentRate: z.number().nullable(),
  averageHandleTimeSeconds: z.number().nullable(),
});
const queueWithStats = queueSchema.extend({ stats: statsSchema });

/** An agent in one of these states is on (or about to be on) a call: deleting it would strand the call. */
const BUSY: ReadonlySet<AgentState> = new Set(['reserved', 'ringing', 'talking']);

/**
 * A change is applied in memory first (RoutingDirectory refuses it whole when it does not
 * validate), then written to the file; if the write fails, `undo` puts memory back so the file
 * and what is serving never disagree. All synchronous, so concurrent requests cannot interleave.
 */
function commit<T>(
  deps: ApiDeps,
  file: 'agents' | 'queues',
  change: (dir: RoutingDirectory) => T,
  undo: (dir: RoutingDirectory) => void,
): T {
  const dir = deps.routing.directory;
  let result: T;
  try {
    result = change(dir);
  } catch (err) {
    // The directory's problems as a list, like BODY_INVALID's `errors`.
    if (isHotlineError(err, 'ROUTER_CONFIG_INVALID'))
      throw new ApiError(422, err.code, err.message, {
        errors: err.details.problems ?? [err.message],
      });
    throw err;
  }
  try {
    if (file === 'agents') saveAgents(dir.folder, dir.config.agents);
    else saveQueues(dir.folder, dir.config.queues);
  } catch (err) {
    undo(dir);
    throw err;
  }
  return result;
}

function sameId(path: string, body: string | undefined): void {
  if (body !== undefined && body !== path)
    throw new ApiError(
      400,
      'BODY_INVALID',
      `the body's id (${body}) differs from the path's (${path}); omit it or make them equal`,
      { errors: [{ path: 'id', message: 'differs from the path' }] },
    );
}

const agentOf = (deps: ApiDeps, id: string): AgentConfig | undefined =>
  deps.routing.config.agents.find((a) => a.id === id);
const queueOf = (deps: ApiDeps, id: string): QueueConfig | undefined =>
  deps.routing.config.queues.find((q) => q.id === id);

function mustAgent(deps: ApiDeps, id: string): AgentConfig {
  const a = agentOf(deps, id);
  if (!a) throw new ApiError(404, 'AGENT_NOT_FOUND', `unknown agent ${id}`);
  return a;
}

function mustQueue(deps: ApiDeps, id: string): QueueConfig {
  const q = queueOf(deps, id);
  if (!q) throw new ApiError(404, 'QUEUE_NOT_FOUND', `unknown queue ${id}`);
  return q;
}

/** Agents' and queues' definitions (create, change, delete) and queue statistics. */
export const adminRoutes = [
  route({
    method: 'post',
    path: '/v1/agents',
    summary: 'Create an agent (saved to agents.yaml)',
    tag: 'routing',
    roles: ['admin'],
    body: agentBody,
    responses: {
      201: { description: 'the agent as now in service', schema: agentSchema },
      409: { description: 'AGENT_EXISTS' },
      422: { description: 'ROUTER_CONFIG_INVALID: the change breaks the routing configuration' },
    },
    handler: ({ c, deps, body }) => {
      if (agentOf(deps, body.id))
        throw new ApiError(
          409,
          'AGENT_EXISTS',
          `agent ${body.id} exists; change it with PUT /v1/agents/${body.id}`,
        );
      const agent = commit(
        deps,
        'agents',
        (d) => d.upsertAgent(body),
        (d) => d.removeAgent(body.id),
      );
      return json(c, 201, agent);
    },
  }),
  route({
    method: 'put',
    path: '/v1/agents/{id}',
    summary: 'Replace an agent’s definition (saved to agents.yaml)',
    tag: 'routing',
    roles: ['admin'],
    params: idParams,
    body: agentChange,
    responses: {
      200: { description: 'the agent as now in service', schema: agentSchema },
      422: { description: 'ROUTER_CONFIG_INVALID' },
    },
    handler: ({ c, deps, params, body }) => {
      const before = mustAgent(deps, params.id);
      sameId(params.id, body.id);
      const agent = commit(
        deps,
        'agents',
        (d) => d.upsertAgent({ ...body, id: params.id }),
        (d) => d.upsertAgent(before),
      );
      return json(c, 200, agent);
    },
  }),
  route({
    method: 'delete',
    path: '/v1/agents/{id}',
    summary: 'Delete an agent that is not on a call (saved to agents.yaml)',
    tag: 'routing',
    roles: ['admin'],
    params: idParams,
    needs: ['redis'],
    responses: {
      200: { description: 'deleted', schema: deleted },
      409: { description: 'AGENT_BUSY: on a call, ringing or reserved' },
      422: { description: 'ROUTER_CONFIG_INVALID' },
    },
    handler: async ({ c, deps, params, log }) => {
      const before = mustAgent(deps, params.id);
      const status = await deps.routing.agents.status(params.id);
      if (status && BUSY.has(status.state))
        throw new ApiError(
          409,
          'AGENT_BUSY',
          `agent ${params.id} is ${status.state}; delete it after the call`,
        );
      commit(
        deps,
        'agents',
        (d) => d.removeAgent(params.id),
        (d) => d.upsertAgent(before),
      );
      log.info({ agentId: params.id }, 'agent deleted');
      return json(c, 200, { id: params.id, deleted: true });
    },
  }),
  route({
    method: 'get',
    path: '/v1/queues',
    summary: 'List queues with today’s live statistics',
    tag: 'routing',
    roles: ['admin', 'supervisor'],
    needs: ['redis'],
    responses: {
      200: { description: 'every queue', schema: z.object({ queues: z.array(queueWithStats) }) },
    },
    handler: async ({ c, deps }) => {
      const queues = deps.routing.config.queues;
      const stats = await Promise.all(queues.map((q) => deps.routing.stats.get(q.id)));
      return json(c, 200, { queues: queues.map((q, i) => ({ ...q, stats: stats[i] })) });
    },
  }),
  route({
    method: 'get',
    path: '/v1/queues/{id}',
    summary: 'Get a queue with today’s live statistics',
    tag: 'routing',
    roles: ['admin', 'supervisor'],
    params: idParams,
    needs: ['redis'],
    responses: { 200: { description: 'the queue', schema: queueWithStats } },
    handler: async ({ c, deps, params }) => {
      const queue = mustQueue(deps, params.id);
      return json(c, 200, { ...queue, stats: await deps.routing.stats.get(queue.id) });
    },
  }),
  route({
    method: 'post',
    path: '/v1/queues',
    summary: 'Create a queue (saved to queues.yaml)',
    tag: 'routing',
    roles: ['admin'],
    body: queueBody,
    responses: {
      201: { description: 'the queue as now in service', schema: queueSchema },
      409: { description: 'QUEUE_EXISTS' },
      422: { description: 'ROUTER_CONFIG_INVALID' },
    },
    handler: ({ c, deps, body }) => {
      if (queueOf(deps, body.id))
        throw new ApiError(
          409,
          'QUEUE_EXISTS',
          `queue ${body.id} exists; change it with PUT /v1/queues/${body.id}`,
        );
      const queue = commit(
        deps,
        'queues',
        (d) => d.upsertQueue(body),
        (d) => d.removeQueue(body.id),
      );
      return json(c, 201, queue);
    },
  }),
  route({
    method: 'put',
    path: '/v1/queues/{id}',
    summary: 'Replace a queue’s definition (saved to queues.yaml)',
    tag: 'routing',
    roles: ['admin'],
    params: idParams,
    body: queueChange,
    responses: {
      200: { description: 'the queue as now in service', schema: queueSchema },
      422: { description: 'ROUTER_CONFIG_INVALID' },
    },
    handler: ({ c, deps, params, body }) => {
      const before = mustQueue(deps, params.id);
      sameId(params.id, body.id);
      const queue = commit(
        deps,
        'queues',
        (d) => d.upsertQueue({ ...body, id: params.id }),
        (d) => d.upsertQueue(before),
      );
      return json(c, 200, queue);
    },
  }),
  route({
    method: 'delete',
    path: '/v1/queues/{id}',
    summary: 'Delete a queue no flow sends callers to (saved to queues.yaml)',
    tag: 'routing',
    roles: ['admin'],
    params: idParams,
    responses: {
      200: { description: 'deleted', schema: deleted },
      422: {
        description: 'ROUTER_CONFIG_INVALID: another queue overflows to it, or a flow uses it',
      },
    },
    handler: ({ c, deps, params, log }) => {
      const before = mustQueue(deps, params.id);
      // Flows are checked against the queues only when loaded: refuse here rather than strand callers.
      const users = deps.flows
        .list()
        .flatMap((f) =>
          Object.entries(f.nodes).flatMap(([node, n]) =>
            n.verb === 'queue' && n.queue === params.id ? [`flow ${f.flow} (node ${node})`] : [],
          ),
        );
      if (users.length > 0)
        throw new ApiError(
          422,
          'ROUTER_CONFIG_INVALID',
          `queue ${params.id} is used by ${users.join(', ')}`,
          { errors: users.map((u) => `${u} sends callers to queue ${params.id}`) },
        );
      commit(
        deps,
        'queues',
        (d) => d.removeQueue(params.id),
        (d) => d.upsertQueue(before),
      );
      log.info({ queue: params.id }, 'queue deleted');
      return json(c, 200, { id: params.id, deleted: true });
    },
  }),
];
