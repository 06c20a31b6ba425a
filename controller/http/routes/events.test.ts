import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testApiDeps, type TestApi } from '../../../test/fakes/api-deps.js';
import { createApi } from '../app.js';
import type { Role } from '../auth/principal.js';
import type { LiveEvent } from '../events.js';

let t: TestApi;
let app: Hono;
const open: EventStream[] = [];

beforeEach(async () => {
  t = await testApiDeps();
  app = createApi(t.deps);
});
afterEach(async () => {
  // Never leave a stream (and its handler's wait) behind, whatever the test did.
  await Promise.all(open.splice(0).map((s) => s.close()));
  t.cleanup();
});

interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
}

/** Reads Server-Sent Events off a response body, one at a time, each within a deadline. */
class EventStream {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(readonly response: Response) {
    if (!response.body) throw new Error('no body');
    this.reader = response.body.getReader();
    open.push(this);
  }

  async next(timeoutMs = 2000): Promise<SseEvent> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          const m = /^([a-z]+): ?(.*)$/.exec(line);
          if (m) fields.set(m[1] as string, m[2] as string);
        }
        const event = fields.get('event');
        if (event === undefined) continue; // a keep-alive comment
        const id = fields.get('id');
        return {
          event,
          ...(id === undefined ? {} : { id }),
          data: JSON.parse(fields.get('data') ?? 'null') as unknown,
        };
      }
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(
            () => reject(new Error(`no event within ${timeoutMs} ms`)),
            timeoutMs,
          )),
      );
      try {
        const chunk = await Promise.race([this.reader.read(), deadline]);
        if (chunk.done) throw new Error('the stream ended');
        this.buffer += this.decoder.decode(chunk.value, { stream: true });
      } finally {
        clearTimeout(timer);
      }
    }
  }

  close(): Promise<void> {
    return this.reader.cancel().catch(() => undefined);
  }
}

async function subscribe(
  as: Role,
  opts: { agent?: string; kinds?: string } = {},
): Promise<EventStream> {
  const res = await app.request(`/v1/events${opts.kinds ? `?kinds=${opts.kinds}` : ''}`, {
    headers: t.auth(as, opts.agent),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  return new EventStream(res);
}

const at = '2026-01-05T09:00:00.000Z';
const agentEvent = (agentId: string, state = 'available'): LiveEvent => ({
  kind: 'agent',
  type: 'state',
  agentId,
  state,
  at,
});
const callEvent = (callId: string, agentId?: string): LiveEvent => ({
  kind: 'call',
  type: 'connected',
  callId,
  at,
  calledNumber: '4008001234',
  agentId,
  queue: 'billing',
});
const queueEvent: LiveEvent = {
  kind: 'queue',
  type: 'joined',
  queue: 'billing',
  callId: 'c-q',
  at,
};

describe('GET /v1/events', () => {
  it('greets a supervisor, then streams agent and call events as published, in order', async () => {
    const s = await subscribe('supervisor');
    expect(await s.next()).toEqual({
      event: 'hello',
      data: { role: 'supervisor', kinds: ['call', 'agent', 'queue'] },
    });
    expect(t.deps.events.size).toBe(1);
    t.deps.events.publish(agentEvent('1002', 'on-break'));
    t.deps.events.publish(callEvent('c-1', '1001'));
    t.deps.events.publish(queueEvent);
    expect(await s.next()).toEqual({
      event: 'agent',
      id: '1',
      data: agentEvent('1002', 'on-break'),
    });
    expect(await s.next()).toEqual({
      event: 'call',
      id: '2',
      data: JSON.parse(JSON.stringify(callEvent('c-1', '1001'))) as unknown,
    });
    expect(await s.next()).toEqual({ event: 'queue', id: '3', data: queueEvent });
  });

  it('gives an agent only its own state and its own calls', async () => {
    const s = await subscribe('agent', { agent: '1001' });
    expect(await s.next()).toMatchObject({ event: 'hello', data: { role: 'agent' } });
    t.deps.events.publish(agentEvent('1002'));
    t.deps.events.publish(callEvent('c-other', '1002'));
    t.deps.events.publish(callEvent('c-queued'));
    t.deps.events.publish(queueEvent);
    t.deps.events.publish(agentEvent('1001'));
    t.deps.events.publish(callEvent('c-mine', '1001'));
    // Had anything of the others come through, it would be read first.
    expect(await s.next()).toMatchObject({ event: 'agent', id: '1', data: { agentId: '1001' } });
    expect(await s.next()).toMatchObject({
      event: 'call',
      id: '2',
      data: { callId: 'c-mine', agentId: '1001' },
    });
  });

  it('filters by kinds', async () => {
    const s = await subscribe('admin', { kinds: 'agent' });
    expect(await s.next()).toEqual({ event: 'hello', data: { role: 'admin', kinds: ['agent'] } });
    t.deps.events.publish(callEvent('c-1', '1001'));
    t.deps.events.publish(queueEvent);
    t.deps.events.publish(agentEvent('1003'));
    expect(await s.next()).toMatchObject({ event: 'agent', id: '1', data: { agentId: '1003' } });
    const both = await subscribe('admin', { kinds: 'queue,call' });
    expect(await both.next()).toMatchObject({ data: { kinds: ['queue', 'call'] } });
  });

  it('refuses a bad kinds list and no credentials', async () => {
    for (const kinds of ['agents', 'call,', 'call;agent', '']) {
      const res = await app.request(`/v1/events?kinds=${kinds}`, { headers: t.auth('supervisor') });
      expect({
        kinds,
        status: res.status,
        type: res.headers.get('content-type'),
        body: await res.json(),
      }).toMatchObject({
        status: 400,
        type: 'application/problem+json',
        body: { code: 'QUERY_INVALID' },
      });
    }
    const res = await app.request('/v1/events');
    expect({ status: res.status, body: await res.json() }).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED' },
    });
    expect(t.deps.events.size).toBe(0);
  });

  it('unsubscribes when the client goes away', async () => {
    const s = await subscribe('supervisor');
    await s.next();
    expect(t.deps.events.size).toBe(1);
    await s.close();
    await expect.poll(() => t.deps.events.size, { timeout: 1000 }).toBe(0);
  });
});
