import { z } from 'zod';
import { json, route } from '../route.js';

/** Liveness, readiness and Prometheus metrics: public, for orchestrators and scrapers. */
export const healthRoutes = [
  route({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness',
    tag: 'health',
    roles: [],
    responses: {
      200: {
        description: 'the process answers',
        schema: z.object({ status: z.literal('ok'), liveCalls: z.number().int() }),
      },
    },
    handler: ({ c, deps }) =>
      json(c, 200, { status: 'ok', liveCalls: deps.runner.liveCalls().length }),
  }),
  route({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: Redis and at least one media server connected',
    tag: 'health',
    roles: [],
    responses: {
      200: {
        description: 'ready',
        schema: z.object({
          ready: z.boolean(),
          redis: z.boolean(),
          mediaServers: z.array(
            z.object({ id: z.string(), kind: z.string(), ready: z.boolean() }).loose(),
          ),
        }),
      },
      503: { description: 'not ready, with the reason per dependency' },
    },
    handler: ({ c, deps }) => {
      const servers = deps.servers.map((s) => ({ id: s.id, kind: s.kind, ...s.status() }));
      const redis = deps.redisReady();
      const ready = redis && servers.some((s) => s.ready);
      const reasons = [
        ...(redis ? [] : ['Redis is unreachable']),
        ...(servers.some((s) => s.ready) ? [] : ['no media server is connected']),
      ];
      return c.json(
        { ready, redis, mediaServers: servers, ...(reasons.length ? { reasons } : {}) },
        ready ? 200 : 503,
      );
    },
  }),
  route({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics: calls, queues, agents, IVR, recordings, API',
    tag: 'health',
    roles: [],
    responses: {
      200: { description: 'text exposition format', contentType: 'text/plain; version=0.0.4' },
    },
    handler: async ({ c, deps }) => {
      c.header('Content-Type', deps.metrics.registry.contentType);
      return c.body(await deps.metrics.registry.metrics(), 200);
    },
  }),
];
