import { describe, expect, it } from 'vitest';
import { MemoryCallRecordStore, type CallRecord } from '../calls/record.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../log/logger.js';
import type { Media } from '../media-server/types.js';
import { ScriptedMediaServer, type FakeChannel } from '../../tools/fakes/scripted-media-server.js';
import { SessionRunner, type CallHandler as Flow } from '../session/runner.js';
import { welcomeFlow } from './welcome-flow.js';

const log = createLogger({ level: 'silent', name: 't' });
const base = loadConfig({ env: {} });
const config = { ...base, session: { ...base.session, digitTimeoutMs: 300 } };

function setup(
  flow: Flow = welcomeFlow,
  mediaMs: (m: Media) => number = (m) => (m.type === 'prompt' && m.id === 'welcome' ? 400 : 40),
  overload = base.overload,
) {
  const server = new ScriptedMediaServer({ mediaMs });
  const store = new MemoryCallRecordStore();
  const runner = new SessionRunner({
    config: { ...config, overload },
    log,
    store,
    flow,
    commandTimeoutMs: 1000,
  });
  runner.attach(server);
  server.start();
  return { server, store, runner };
}

async function finished(store: MemoryCallRecordStore, id: string): Promise<CallRecord> {
  for (let i = 0; i < 100; i++) {
    const r = await store.get(id);
    if (r?.state === 'ended') return r;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error('call did not end');
}

const afterAnswer = (ch: FakeChannel, ms: number, fn: () => void): void => {
  ch.on((ev) => {
    if (ev.type === 'answered') setTimeout(fn, ms);
  });
};

describe('welcome flow on the scripted media server', () => {
  it('a key during the welcome stops it (barge-in), is read back, then goodbye and hang-up', async () => {
    const { server, store } = setup();
    const ch = server.injectCall({ calledNumber: '4008001234', sipCallId: 'c1' });
    afterAnswer(ch, 100, () => ch.press('7'));
    const r = await finished(store, ch.id);
    expect(r).toMatchObject({
      digits: '7',
      outcome: 'completed',
      hangupBy: 'controller',
      callerMasked: '138****5678',
    });
    const played = server.played.map((p) =>
      p.media
        .map((m) =>
          m.type === 'prompt' ? m.id : m.type === 'digits' ? `digits:${m.digits}` : m.type,
        )
        .join(),
    );
    expect(played).toEqual(['welcome', 'you-pressed,digits:7', 'goodbye']);
    expect(server.played[0]?.completed).toBe(false);
    expect(r.timeline.map((t) => t.what)).toContain('barge-in');
    expect(ch.listenerCount()).toBe(0);
    expect(await store.findBySipCallId('c1')).toMatchObject({ id: ch.id });
  });

  it('a key after the prompt, within the timeout, counts', async () => {
    const { server, store } = setup();
    const ch = server.injectCall({ calledNumber: '4008001234' });
    afterAnswer(ch, 550, () => ch.press('#'));
    const r = await finished(store, ch.id);
    expect(r.digits).toBe('#');
    expect(server.played[0]?.completed).toBe(true);
  });

  it('no key: no-input, goodbye, hang-up', async () => {
    const { server, store } = setup();
    const ch = server.injectCall({ calledNumber: '4008001234' });
    const r = await finished(store, ch.id);
    expect(r).toMatchObject({ digits: '', outcome: 'no-input', hangupBy: 'controller' });
    expect(server.played.map((p) => (p.media[0]?.type === 'prompt' ? p.media[0].id : ''))).toEqual([
      'welcome',
      'goodbye',
    ]);
  });

  it.each([
    ['during the welcome', 200],
    ['while waiting for a key', 500],
    ['during the read-back', 0],
  ])('the caller hangs up %s: caller-hangup, nothing left behind', async (_what, atMs) => {
    const { server, store, runner } = setup();
    const ch = server.injectCall({ calledNumber: '4008001234' });
    if (atMs === 0) {
      afterAnswer(ch, 50, () => ch.press('1'));
      ch.on((ev) => {
        if (ev.type === 'playback-started' && server.played.length === 2) ch.farHangup();
      });
    } else afterAnswer(ch, atMs, () => ch.farHangup());
    const r = await finished(store, ch.id);
    expect(r).toMatchObject({ outcome: 'caller-hangup', hangupBy: 'caller' });
    expect(ch.listenerCount()).toBe(0);
    expect(server.playbacks.size).toBe(0);
    expect(server.channels.size).toBe(0);
    expect(runner.liveCalls()).toEqual([]);
  });

  it('extra keys after the one it wants are ignored', async () => {
    const { server, store } = setup();
    const ch = server.injectCall({ calledNumber: '4008001234' });
    afterAnswer(ch, 50, () => {
      ch.press('1');
      ch.press('2');
      ch.press('3');
    });
    const r = await finished(store, ch.id);
    expect(r.digits).toBe('1');
  });
});

describe('session runner', () => {
  it('rejects a called number that is not a 400 number, and hangs up', async () => {
    const { server, store } = setup();
    const ch = server.injectCall({ calledNumber: '95566' });
    const r = await finished(store, ch.id);
    expect(r).toMatchObject({ outcome: 'rejected', hangupBy: 'controller' });
    expect(server.played).toEqual([]);
  });

  it('a flow that throws is logged as failed and the call is hung up, not left open', async () => {
    const { server, store } = setup(() => Promise.reject(new Error('bug')));
    const ch = server.injectCall({ calledNumber: '4008001234' });
    const r = await finished(store, ch.id);
    expect(r).toMatchObject({ outcome: 'failed', hangupBy: 'controller' });
    expect(ch.ended.aborted).toBe(true);
  });

  it('a flow that returns without hanging up still ends the call', async () => {
    const { server, store } = setup(() => Promise.resolve('completed'));
    const ch = server.injectCall({ calledNumber: '4008001234' });
    await finished(store, ch.id);
    expect(ch.ended.aborted).toBe(true);
  });

  it('a Redis outage costs the record, not the call', async () => {
    const server = new ScriptedMediaServer({ mediaMs: () => 20 });
    const store = {
      save: () => Promise.reject(new Error('redis down')),
      get: () => Promise.resolve(undefined),
      findBySipCallId: () => Promise.resolve(undefined),
      findByCaller: () => Promise.resolve([]),
      remove: () => Promise.resolve(),
    };
    const runner = new SessionRunner({
      config,
      log,
      store,
      flow: welcomeFlow,
      commandTimeoutMs: 1000,
    });
    runner.attach(server);
    server.start();
    const ch = server.injectCall({ calledNumber: '4008001234' });
    afterAnswer(ch, 10, () => ch.press('5'));
    for (let i = 0; i < 100 && !ch.ended.aborted; i++) await new Promise((r) => setTimeout(r, 20));
    expect(ch.ended.aborted).toBe(true);
    expect(server.played.length).toBe(3);
  });

  it('drain stops taking calls and waits for those in progress', async () => {
    const { server, store, runner } = setup();
    const ch = server.injectCall({ calledNumber: '4008001234' });
    await runner.drain(5000);
    expect((await store.get(ch.id))?.state).toBe('ended');
    const late = server.injectCall({ calledNumber: '4008001234' });
    expect(await store.get(late.id)).toBeUndefined();
  });
});

describe('overload control', () => {
  const long = (m: Media): number => (m.type === 'prompt' && m.id === 'welcome' ? 1500 : 40);

  it(
    'beyond the calls in progress, a new call is refused before ' +
      'answer (503); those inside go on; room again, served again',
    async () => {
      const { server, store, runner } = setup(welcomeFlow, long, { ...base.overload, maxCalls: 2 });
      const inside = [
        server.injectCall({ calledNumber: '4008001234' }),
        server.injectCall({ calledNumber: '4008001234' }),
      ];
      const turned = server.injectCall({ calledNumber: '4008001234' });
      const refused = await finished(store, turned.id);
      expect(refused).toMatchObject({ outcome: 'refused', hangupBy: 'controller' });
      expect(refused.timeline.map((t) => t.what)).toContain('refused (calls in progress)');
      expect(turned.hungUpWith).toBe('congestion');
      expect(turned.info.state).not.toBe('up');
      for (const ch of inside) expect((await finished(store, ch.id)).outcome).toBe('no-input');
      const later = server.injectCall({ calledNumber: '4008001234' });
      expect((await finished(store, later.id)).outcome).toBe('no-input');
      expect(runner.admission.refused).toEqual({ calls: 1, rate: 0 });
    },
  );

  it('beyond the arrival rate, with the busy prompt: answered, told, hung up', async () => {
    const { server, store, runner } = setup(welcomeFlow, long, {
      ...base.overload,
      maxNewPerSecond: 2,
      refuse: 'busy',
    });
    const calls = Array.from({ length: 5 }, () =>
      server.injectCall({ calledNumber: '4008001234' }),
    );
    const records = await Promise.all(calls.map((c) => finished(store, c.id)));
    expect(records.map((r) => r.outcome)).toEqual([
      'no-input',
      'no-input',
      'refused',
      'refused',
      'refused',
    ]);
    const busy = server.played.filter((p) =>
      p.media.some((m) => m.type === 'prompt' && m.id === 'all-lines-busy'),
    );
    expect(busy).toHaveLength(3);
    expect(calls[2]!.hungUpWith).toBe('normal');
    expect(runner.admission.refused.rate).toBe(3);
  });
});
