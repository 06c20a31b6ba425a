import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import type { LiveEvent } from '../events.js';
import { route } from '../route.js';

/** Supervisors and admins see everything; an agent its own state and its own calls. */
function allowed(e: LiveEvent, who: Principal): boolean {
  if (who.role !== 'agent') return true;
  if (e.kind === 'agent') return e.agentId === who.agentId;
  if (e.kind === 'call') return e.agentId !== undefined && e.agentId === who.agentId;
  return false;
}

/** Most events held for one slow client before it is cut off (it reconnects and re-reads state). */
const MAX_BACKLOG = 1000;

export const eventRoutes = [
  route({
    method: 'get',
    path: '/v1/events',
    summary: 'Live stream of call, agent and queue events (Server-Sent Events), filtered by role',
    tag: 'events',
    roles: ['admin', 'supervisor', 'agent'],
    query: z.strictObject({
      kinds: z
        .string()
        .regex(/^(call|agent|queue)(,(call|agent|queue))*$/)
        .optional(),
    }),
    responses: {
      200: {
        description: 'text/event-stream; each event named by its kind, data JSON',
        contentType: 'text/event-stream',
      },
    },
    handler: ({ c, deps, principal, query, log }) => {
      const kinds = new Set(query.kinds ? query.kinds.split(',') : ['call', 'agent', 'queue']);
      return streamSSE(c, async (stream) => {
        const backlog: LiveEvent[] = [];
        let wake: (() => void) | undefined;
        let overflow = false;
        const off = deps.events.subscribe((e) => {
          if (!kinds.has(e.kind) || !allowed(e, principal)) return;
          if (backlog.length >= MAX_BACKLOG) overflow = true;
          else backlog.push(e);
          wake?.();
        });
        let closed = false;
        stream.onAbort(() => {
          closed = true;
          wake?.();
        });
        log.debug('event stream opened');
        try {
          await stream.writeSSE({
            event: 'hello',
            data: JSON.stringify({ role: principal.role, kinds: [...kinds] }),
          });
          let id = 0;
          while (!closed && !overflow) {
            const e = backlog.shift();
            if (e) {
              await stream.writeSSE({ event: e.kind, id: String(++id), data: JSON.stringify(e) });
              continue;
            }
            // Wait for an event, or send a keep-alive comment every 15 s through proxies.
            await new Promise<void>((resolve) => {
              const t = setTimeout(resolve, 15_000);
              wake = () => {
                clearTimeout(t);
                resolve();
              };
            });
            wake = undefined;
            if (!backlog.length && !closed) await stream.write(': keep-alive\n\n');
          }
          if (overflow)
            await stream.writeSSE({
              event: 'overflow',
              data: '{"reason":"client too slow; reconnect"}',
            });
        } finally {
          off();
          log.debug('event stream closed');
        }
      });
    },
  }),
];
