import { Hono } from 'hono';
import type { MediaServer } from '../media-server/types.js';
import type { SessionRunner } from '../session/runner.js';

export interface HealthDeps {
  servers: MediaServer[];
  runner: SessionRunner;
  redisReady: () => boolean;
}

/** Health and readiness; the control API (a later issue) grows from here. */
export function createHttpApp(deps: HealthDeps): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok', liveCalls: deps.runner.liveCalls().length }));
  app.get('/readyz', (c) => {
    const servers = deps.servers.map((s) => ({ id: s.id, kind: s.kind, ...s.status() }));
    const redis = deps.redisReady();
    const ready = redis && servers.some((s) => s.ready);
    return c.json({ ready, redis, mediaServers: servers }, ready ? 200 : 503);
  });
  app.get('/v1/calls', (c) => c.json({ calls: deps.runner.liveCalls() }));
  return app;
}
