import { z } from 'zod';
import { publicRecord, type CallRecord } from '../../calls/record.js';
import type { CallContext } from '../../session/context.js';
import { endpointFor } from '../../ivr/nodes/transfer.js';
import { holdCaller, resumeCaller, transferCaller } from '../../session/conversation.js';
import { supervise, type SuperviseMode } from '../../session/supervise.js';
import type { Principal } from '../auth/principal.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../problem.js';
import { json, route } from '../route.js';

const callId = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/) });
const ok = z.object({ id: z.string(), done: z.string() });
const record = z
  .object({
    id: z.string(),
    calledNumber: z.string(),
    callerMasked: z.string(),
    state: z.string(),
    startedAt: z.string(),
  })
  .loose();
const STAFF = ['admin', 'supervisor'] as const;
const EVERYONE = ['admin', 'supervisor', 'agent'] as const;

/** The live call, if this caller may act on it: an agent only on a call it is talking in. */
function liveCall(deps: ApiDeps, id: string, who: Principal): CallContext {
  const call = deps.runner.liveCall(id);
  if (!call || call.signal.aborted)
    throw new ApiError(404, 'NOT_FOUND', `no live call ${id} (it may have just ended)`);
  if (who.role === 'agent' && call.record.agentId !== who.agentId)
    throw new ApiError(403, 'FORBIDDEN', 'an agent may act only on its own calls');
  return call;
}

function visible(r: CallRecord, who: Principal): boolean {
  return who.role !== 'agent' || r.agentId === who.agentId;
}

/** A recording action on the call's conversation (pause, resume, stop). */
function recordingAction(verb: 'pause' | 'resume' | 'stop') {
  return route({
    method: 'post',
    path: `/v1/calls/{id}/recording/${verb}`,
    summary: `${verb[0]?.toUpperCase()}${verb.slice(1)} the conversation's recording`,
    tag: 'calls',
    roles: EVERYONE,
    params: callId,
    needs: ['recordings'],
    responses: { 200: { description: 'done', schema: ok } },
    handler: async ({ c, deps, params, principal, log }) => {
      liveCall(deps, params.id, principal);
      const live = deps.recordings?.capture.live(params.id);
      if (!live) throw new ApiError(409, 'MEDIA_CONFLICT', 'the call is not being recorded');
      await live[verb]();
      log.info({ callId: params.id, recording: live.id }, `recording ${verb}`);
      return json(c, 200, { id: params.id, done: `recording ${verb}` });
    },
  });
}

/** A supervisor's phone joins the call (answered first; ends when either hangs up). */
function superviseRoute(mode: SuperviseMode, summary: string) {
  return route({
    method: 'post',
    path: `/v1/calls/{id}/${mode}`,
    summary,
    tag: 'calls',
    roles: STAFF,
    params: callId,
    body: z.strictObject({
      endpoint: z
        .string()
        .min(3)
        .max(120)
        .describe('the supervisor phone, e.g. PJSIP/2001@agents-lab'),
    }),
    needs: ['media'],
    responses: {
      200: {
        description: "the supervisor's phone answered and joined",
        schema: z.object({
          id: z.string(),
          supervision: z.string(),
          mode: z.string(),
          snoopId: z.string().optional(),
        }),
      },
    },
    handler: async ({ c, deps, params, principal, body, log }) => {
      if (!deps.superviseEndpoints.test(body.endpoint))
        throw new ApiError(
          400,
          'BODY_INVALID',
          `endpoint ${body.endpoint} is not an allowed supervisor phone (api.superviseEndpoints)`,
        );
      const call = liveCall(deps, params.id, principal);
      const s = await supervise(call, mode, body.endpoint);
      log.info({ callId: params.id, mode, endpoint: body.endpoint }, 'supervisor joined');
      return json(c, 200, {
        id: params.id,
        supervision: s.id,
        mode,
        ...(s.snoopId ? { snoopId: s.snoopId } : {}),
      });
    },
  });
}

/** Live calls and their control: the live-call half of the API. */
export const callRoutes = [
  route({
    method: 'get',
    path: '/v1/calls',
    summary: 'List live calls (an agent sees its own)',
    tag: 'calls',
    roles: EVERYONE,
    responses: { 200: { description: 'live calls', schema: z.object({ calls: z.array(record) }) } },
    handler: ({ c, deps, principal }) =>
      json(c, 200, {
        calls: deps.runner
          .liveCalls()
          .filter((r) => visible(r, principal))
          .map(publicRecord),
      }),
  }),
  route({
    method: 'get',
    path: '/v1/calls/{id}',
    summary: 'Get one call, live or recently ended',
    tag: 'calls',
    roles: EVERYONE,
    params: callId,
    responses: { 200: { description: 'the call record', schema: record } },
    handler: async ({ c, deps, params, principal }) => {
      const live = deps.runner.liveCall(params.id)?.record;
      // An ended call is in Redis: while it is away, say so rather than "no such call".
      if (!live && !deps.redisReady())
        throw new ApiError(503, 'REDIS_UNAVAILABLE', 'Redis is unreachable; try again shortly');
      const r = live ?? (await deps.store.get(params.id));
      if (!r || !visible(r, principal))
        throw new ApiError(404, 'NOT_FOUND', `no call ${params.id}`);
      return json(c, 200, publicRecord(r));
    },
  }),
  route({
    method: 'post',
    path: '/v1/calls/{id}/hangup',
    summary: 'Hang up a live call',
    tag: 'calls',
    roles: STAFF,
    params: callId,
    needs: ['media'],
    responses: { 200: { description: 'hung up', schema: ok } },
    handler: async ({ c, deps, params, principal, log }) => {
      const call = liveCall(deps, params.id, principal);
      call.record.hangupBy = 'controller';
      call.note(`hung up by ${principal.id}`);
      await call.channel.hangup();
      log.info({ callId: params.id }, 'call hung up through the API');
      return json(c, 200, { id: params.id, done: 'hung up' });
    },
  }),
  route({
    method: 'post',
    path: '/v1/calls/{id}/dtmf',
    summary: 'Send keys to the caller',
    tag: 'calls',
    roles: STAFF,
    params: callId,
    body: z.strictObject({
      digits: z.string().regex(/^[0-9*#A-D,]{1,32}$/, 'keys 0-9 * # A-D, and , for a pause'),
    }),
    needs: ['media'],
    responses: { 200: { description: 'sent', schema: ok } },
    handler: async ({ c, deps, params, principal, body }) => {
      const call = liveCall(deps, params.id, principal);
      await call.channel.sendDtmf(body.digits, {
        timeoutMs: Math.max(call.commandTimeoutMs, body.digits.length * 300 + 2000),
        signal: call.signal,
      });
      return json(c, 200, { id: params.id, done: `sent ${body.digits.length} keys` });
    },
  }),
  route({
    method: 'post',
    path: '/v1/calls/{id}/hold',
    summary: 'Put the caller on hold (music; the agent stays)',
    tag: 'calls',
    roles: EVERYONE,
    params: callId,
    needs: ['media'],
    responses: { 200: { description: 'on hold', schema: ok } },
    handler: async ({ c, deps, params, principal }) => {
      const call = liveCall(deps, params.id, principal);
      await holdCaller(call, deps.routing.queue(call.record.queue ?? '')?.musicOnHold);
      return json(c, 200, { id: params.id, done: 'on hold' });
    },
  }),
  route({
    method: 'post',
    path: '/v1/calls/{id}/resume',
    summary: 'Take the caller off hold',
    tag: 'calls',
    roles: EVERYONE,
    params: callId,
    needs: ['media'],
    responses: { 200: { description: 'talking again', schema: ok } },
    handler: async ({ c, deps, params, principal }) => {
      await resumeCaller(liveCall(deps, params.id, principal));
      return json(c, 200, { id: params.id, done: 'resumed' });
    },
  }),
  route({
    method: 'post',
    path: '/v1/calls/{id}/recording/start',
    summary: "Start recording the call's conversation (queues recording on demand)",
    tag: 'calls',
    roles: STAFF,
    params: callId,
    needs: ['recordings', 'media'],
    responses: {
      200: {
        description: 'recording',
        schema: z.object({ id: z.string(), recordingId: z.string() }),
      },
    },
    handler: async ({ c, deps, params, principal }) => {
      liveCall(deps, params.id, principal);
      const capture = deps.recordings?.capture;
      if (!capture?.isBridged(params.id))
        throw new ApiError(
          409,
          'MEDIA_CONFLICT',
          'the call is not talking to an agent (or its queue never records)',
        );
      const live = await capture.start(params.id);
      return json(c, 200, { id: params.id, recordingId: live.id });
    },
  }),
  route({
    method: 'post',
    path: '/v1/calls/{id}/transfer',
    summary: 'Transfer the caller from its agent to a number or an internal phone (blind)',
    tag: 'calls',
    roles: EVERYONE,
    params: callId,
    body: z.strictObject({
      to: z
        .string()
        .min(3)
        .max(120)
        .describe(
          'digits (out through the trunk) or an internal endpoint, e.g. PJSIP/2001@agents-lab',
        ),
      ringSeconds: z.number().int().min(5).max(120).default(30),
    }),
    needs: ['media'],
    responses: { 200: { description: 'the target answered and took over', schema: ok } },
    handler: async ({ c, deps, params, principal, body, log }) => {
      const digits = /^\+?\d{3,20}$/.test(body.to);
      if (!digits && !deps.superviseEndpoints.test(body.to))
        throw new ApiError(
          400,
          'BODY_INVALID',
          `transfer to digits or an internal endpoint (api.superviseEndpoints), not ${body.to}`,
        );
      const call = liveCall(deps, params.id, principal);
      await transferCaller(
        call,
        digits ? endpointFor(body.to, deps.transferEndpoint) : body.to,
        body.ringSeconds,
      );
      log.info({ callId: params.id, to: digits ? 'number' : body.to }, 'call transferred');
      return json(c, 200, { id: params.id, done: 'transferred' });
    },
  }),
  superviseRoute('listen', 'Listen to a conversation from a supervisor phone (unheard)'),
  superviseRoute('whisper', 'Speak to the agent alone while listening (the caller does not hear)'),
  superviseRoute(
    'barge',
    'Join the conversation (caller, agent and supervisor all hear each other)',
  ),
  recordingAction('pause'),
  recordingAction('resume'),
  recordingAction('stop'),
];
