import { z } from 'zod';
import { hasControl, NO_CONTROL } from '../../../lib/text.js';
import { ApiError } from '../problem.js';
import { ROLES } from '../auth/principal.js';
import { json, route } from '../route.js';

const keyInfo = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  agentId: z.string().optional(),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
});
const agentId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);

/** Bearer tokens for people, API keys for scripts (keys are also made with `hotline api key`). */
export const authRoutes = [
  route({
    method: 'post',
    path: '/v1/tokens',
    summary:
      'Issue a bearer token (an admin may issue one for any role; others only for themselves)',
    tag: 'auth',
    roles: ['admin', 'supervisor', 'agent'],
    body: z.strictObject({
      role: z.enum(ROLES).optional(),
      agentId: agentId.optional(),
      ttlSeconds: z
        .number()
        .int()
        .min(60)
        .max(7 * 24 * 3600)
        .default(12 * 3600),
    }),
    responses: {
      201: {
        description: 'the token',
        schema: z.object({ token: z.string(), expiresAt: z.string(), role: z.enum(ROLES) }),
      },
    },
    handler: ({ c, deps, body, principal }) => {
      const role = body.role ?? principal.role;
      const agent = body.agentId ?? principal.agentId;
      if (principal.role !== 'admin' && (role !== principal.role || agent !== principal.agentId))
        throw new ApiError(
          403,
          'FORBIDDEN',
          'only an admin may issue a token for another role or agent',
        );
      if (role === 'agent' && !agent)
        throw new ApiError(400, 'BODY_INVALID', 'an agent token names its agentId');
      if (agent && !deps.routing.config.agents.some((a) => a.id === agent))
        throw new ApiError(404, 'AGENT_NOT_FOUND', `unknown agent ${agent}`);
      const t = deps.tokens.issue(
        { sub: principal.id, role, agentId: role === 'agent' ? agent : undefined },
        body.ttlSeconds,
      );
      return json(c, 201, { ...t, role });
    },
  }),
  route({
    method: 'get',
    path: '/v1/keys',
    summary: 'List API keys (never their secrets)',
    tag: 'auth',
    roles: ['admin'],
    needs: ['redis'],
    responses: { 200: { description: 'keys', schema: z.object({ keys: z.array(keyInfo) }) } },
    handler: async ({ c, deps }) => json(c, 200, { keys: await deps.keys.list() }),
  }),
  route({
    method: 'post',
    path: '/v1/keys',
    summary: 'Create an API key (the secret is shown once)',
    tag: 'auth',
    roles: ['admin'],
    needs: ['redis'],
    body: z.strictObject({
      name: z.string().min(1).max(100),
      role: z.enum(ROLES),
      agentId: agentId.optional(),
    }),
    responses: {
      201: { description: 'the key, once', schema: z.object({ key: z.string(), info: keyInfo }) },
    },
    handler: async ({ c, deps, body }) => {
      if (body.role === 'agent' && !body.agentId)
        throw new ApiError(400, 'BODY_INVALID', 'an agent key names its agentId');
      // A name is listed to people (`hotline api key list`): a well-formed request with a value refused.
      if (hasControl(body.name))
        throw new ApiError(422, 'BODY_INVALID', `name: ${NO_CONTROL}`, {
          errors: [{ path: 'name', message: NO_CONTROL }],
        });
      if (body.agentId && !deps.routing.config.agents.some((a) => a.id === body.agentId))
        throw new ApiError(404, 'AGENT_NOT_FOUND', `unknown agent ${body.agentId}`);
      return json(c, 201, await deps.keys.create(body));
    },
  }),
  route({
    method: 'delete',
    path: '/v1/keys/{id}',
    summary: 'Revoke an API key',
    tag: 'auth',
    roles: ['admin'],
    needs: ['redis'],
    params: z.strictObject({ id: z.string().regex(/^[0-9a-f]{12}$/) }),
    responses: {
      200: {
        description: 'revoked',
        schema: z.object({ id: z.string(), revoked: z.literal(true) }),
      },
    },
    handler: async ({ c, deps, params }) => {
      if (!(await deps.keys.revoke(params.id)))
        throw new ApiError(404, 'NOT_FOUND', `no key ${params.id}`);
      return json(c, 200, { id: params.id, revoked: true });
    },
  }),
];
