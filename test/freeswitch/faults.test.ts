import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { createLogger } from '../../controller/log/logger.js';
import { FreeswitchServer } from '../../controller/media-server/freeswitch/server.js';
import type { Channel } from '../../controller/media-server/types.js';
import { nextCall, nextEvent } from '../contract/media-server.contract.js';
import { peerCall, peerHarness, peerServerConfig, waitReady } from './peer-harness.js';

const T = { timeoutMs: 3000 };
const log = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'test' });

describe('FreeSWITCH adapter under faults (ESL peer)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function harness(): Promise<Awaited<ReturnType<typeof peerHarness>>> {
    const h = await peerHarness();
    cleanups.push(() => h.close());
    return h;
  }

  async function answeredCall(
    h: Awaited<ReturnType<typeof peerHarness>>,
  ): Promise<{ ch: Channel; done: Promise<unknown> }> {
    const arriving = nextCall(h.server);
    const { done } = peerCall(h.peer, '4008001234');
    const ch = await arriving;
    await ch.answer(T);
    return { ch, done };
  }

  it(
    'a connection closed in the middle of a command: typed ' +
      'error, reconnect, the call is still ours and works',
    async () => {
      const h = await harness();
      const { ch, done } = await answeredCall(h);
      const listeners = ch.listenerCount();
      const before = h.server.connection();
      // Work in flight when the connection goes: a playback, a background job, a reply awaited.
      const playing = await ch.play(h.longMedia, T);
      h.peer.failNext('api uuid_setvar', 'close-before-reply');
      const err = await ch.setVariable('HOTLINE_X', '1', T).catch((e: unknown) => e);
      expect(isHotlineError(err, 'MEDIA_NOT_CONNECTED')).toBe(true);
      expect(await playing.done).toBe(false);
      // Nothing is left waiting on the dead connection.
      expect(before?.pending()).toEqual({ replies: 0, jobs: 0, executions: 0, listeners: 0 });
      await waitReady(h.server);
      // Resync found the call alive: it was not ended, and commands reach it again.
      await new Promise((r) => setTimeout(r, 100));
      expect(ch.ended.aborted).toBe(false);
      await ch.setVariable('HOTLINE_X', '2', T);
      expect(await ch.getVariable('HOTLINE_X', T)).toBe('2');
      expect(ch.listenerCount()).toBe(listeners);
      await ch.hangup();
      await done;
    },
  );

  it('an -ERR answer is a typed error and the connection stays up', async () => {
    const h = await harness();
    const { ch, done } = await answeredCall(h);
    h.peer.failNext('api uuid_setvar', 'err', '-ERR No such channel!');
    const err = await ch.setVariable('HOTLINE_X', '1', T).catch((e: unknown) => e);
    expect(isHotlineError(err, 'CALL_ENDED')).toBe(true);
    h.peer.failNext('api uuid_send_dtmf', 'err', '-ERR something else went wrong');
    const err2 = await ch.sendDtmf('1', T).catch((e: unknown) => e);
    expect(isHotlineError(err2, 'MEDIA_REJECTED')).toBe(true);
    expect(h.server.status().ready).toBe(true);
    await ch.hangup();
    await done;
  });

  it('a playback running when the connection drops is reported cut; the call goes on', async () => {
    const h = await harness();
    const { ch, done } = await answeredCall(h);
    const playback = await ch.play(h.longMedia, T);
    h.peer.dropConnections();
    expect(await playback.done).toBe(false);
    await waitReady(h.server);
    expect(ch.ended.aborted).toBe(false);
    const again = await ch.play(h.shortMedia, T);
    expect(await again.done).toBe(true);
    await ch.hangup();
    await done;
  });

  it(
    'an announcement to a caller on hold (a conference ' +
      'member) when the connection drops is reported cut once',
    async () => {
      const h = await harness();
      const { ch, done } = await answeredCall(h);
      const holding = await h.server.createBridge('holding', T);
      await holding.add(ch.id, T);
      const finished: boolean[] = [];
      ch.on((e) => {
        if (e.type === 'playback-finished') finished.push(e.completed);
      });
      const playback = await ch.play(h.longMedia, T);
      h.peer.dropConnections();
      expect(await playback.done).toBe(false);
      await waitReady(h.server);
      await new Promise((r) => setTimeout(r, 100));
      expect(finished).toEqual([false]);
      await ch.hangup();
      await done;
    },
  );

  it('FreeSWITCH shutting down ends its calls with SYSTEM_SHUTDOWN; the adapter comes back when it does', async () => {
    const h = await harness();
    const { ch } = await answeredCall(h);
    const ended = nextEvent(ch, 'ended');
    await h.peer.shutdown();
    expect((await ended).cause.text).toBe('SYSTEM_SHUTDOWN');
    await expect.poll(() => h.server.status().ready).toBe(false);
    await h.peer.start();
    await waitReady(h.server);
    const again = await answeredCall(h);
    await again.ch.hangup();
    await again.done;
  });

  it('reconnects with capped, jittered backoff: no storm against a server that refuses, none after close', async () => {
    const accepted: number[] = [];
    const sockets = new Set<Socket>();
    // A port that accepts and drops at once, like an overloaded FreeSWITCH.
    const refuser = createServer((s) => {
      accepted.push(Date.now());
      sockets.add(s);
      s.destroy();
    });
    await new Promise<void>((r) => refuser.listen(0, '127.0.0.1', r));
    const port = (refuser.address() as { port: number }).port;
    const server = new FreeswitchServer(
      peerServerConfig(port, '/tmp', { reconnect: { initialMs: 50, maxMs: 200 } }),
      log,
    );
    server.start();
    await new Promise((r) => setTimeout(r, 2000));
    await server.close();
    const afterClose = accepted.length;
    await new Promise((r) => setTimeout(r, 400));
    await new Promise<void>((r) => refuser.close(() => r()));
    const gaps = accepted.slice(1).map((t, i) => t - accepted[i]!);
    // Delays are in [cap/2, cap] with cap doubling from 50 to 200 ms: about 10-20 tries in 2 s.
    expect(accepted.length).toBeGreaterThanOrEqual(6);
    expect(accepted.length).toBeLessThanOrEqual(25);
    expect(Math.min(...gaps.slice(3))).toBeGreaterThanOrEqual(90);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(400);
    expect(accepted.length).toBe(afterClose);
    expect(server.status()).toMatchObject({ ready: false, reason: 'closed' });
  });

  it('a wrong password: not ready, with the reason, and it keeps trying gently', async () => {
    const h = await harness();
    const bad = new FreeswitchServer(
      peerServerConfig(h.peer.port, h.dir, {
        id: 'fs-bad',
        password: 'not-the-password',
        reconnect: { initialMs: 100, maxMs: 400 },
      }),
      log,
    );
    bad.start();
    await expect
      .poll(() => bad.status().reason, { timeout: 3000 })
      .toMatch(/authentication refused/);
    expect(bad.status().ready).toBe(false);
    const err = await bad.createBridge('mixing', T).catch((e: unknown) => e);
    expect(isHotlineError(err, 'MEDIA_NOT_CONNECTED')).toBe(true);
    await bad.close();
  });
});
