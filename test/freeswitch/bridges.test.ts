import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '../../controller/media-server/types.js';
import { nextCall, nextEvent } from '../contract/media-server.contract.js';
import { readWavInfo } from '../esl-peer/index.js';
import { peerCall, peerHarness } from './peer-harness.js';

const T = { timeoutMs: 3000 };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What conferences-as-bridges must do beyond the contract: what the queue and recordings rely on. */
describe('FreeSWITCH bridges are conferences (ESL peer)', () => {
  let h: Awaited<ReturnType<typeof peerHarness>>;
  beforeAll(async () => {
    h = await peerHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  async function call(): Promise<{ ch: Channel; id: string; done: Promise<unknown> }> {
    const arriving = nextCall(h.server);
    const { id, done } = peerCall(h.peer, '4008001234');
    const ch = await arriving;
    await ch.answer(T);
    return { ch, id, done };
  }

  it('a waiting caller hears music, and an announcement played over it to that member alone', async () => {
    const { ch, id, done } = await call();
    const holding = await h.server.createBridge('holding', T);
    await holding.add(ch.id, T);
    await holding.startMusicOnHold(undefined, T);
    const started = nextEvent(ch, 'playback-started');
    const announcement = await ch.play(h.shortMedia, T);
    await started;
    expect(await announcement.done).toBe(true);
    const conf = h.peer.conference(holding.id);
    expect(conf?.members.map((m) => [m.uuid, m.speak])).toEqual([[id, false]]);
    const log = h.peer.call(id)!.events;
    expect(
      log.some(
        (e) => e.type === 'conference-play' && e.file === join(h.dir, 'short.wav') && e.completed,
      ),
    ).toBe(true);
    await holding.stopMusicOnHold(T);
    // Leaving the bridge parks the caller again: still ours, still up.
    await holding.remove(ch.id, T);
    expect(h.peer.conference(holding.id)).toBeUndefined();
    expect(ch.ended.aborted).toBe(false);
    const after = await ch.play(h.shortMedia, T);
    expect(await after.done).toBe(true);
    await ch.hangup();
    await done;
  });

  it(
    'moving from the holding bridge to a mixing one, with ' +
      'the agent; destroy lets both go without hanging up',
    async () => {
      const { ch, done } = await call();
      const holding = await h.server.createBridge('holding', T);
      await holding.add(ch.id, T);
      const leg = await h.server.originate(
        { endpoint: h.answeringEndpoint, ringTimeoutSeconds: 5 },
        T,
      );
      if (leg.info.state !== 'up') await nextEvent(leg, 'answered');
      const mixing = await h.server.createBridge('mixing', T);
      // Added straight from the holding bridge: it leaves that one first.
      await mixing.add(ch.id, T);
      await mixing.add(leg.id, T);
      const live = await h.server.liveState(T);
      expect(live.bridges.find((b) => b.id === mixing.id)?.channelIds.sort()).toEqual(
        [ch.id, leg.id].sort(),
      );
      expect(live.bridges.find((b) => b.id === holding.id)).toBeUndefined();
      await mixing.destroy(T);
      expect((await h.server.liveState(T)).bridges).toEqual([]);
      expect(ch.ended.aborted || leg.ended.aborted).toBe(false);
      await leg.hangup();
      await ch.hangup();
      await done;
    },
  );

  it('a bridge recording pauses and resumes: the paused time is not in the file', async () => {
    const { ch, done } = await call();
    const mixing = await h.server.createBridge('mixing', T);
    await mixing.add(ch.id, T);
    const name = `fs-pause-${Date.now()}`;
    const rec = await mixing.record({ ...T, name, format: 'wav' });
    await sleep(400);
    await rec.pause(T);
    await sleep(800);
    await rec.resume(T);
    await sleep(400);
    await rec.stop(T);
    expect((await rec.done).type).toBe('recording-finished');
    const ms = readWavInfo(join(h.dir, `${name}.wav`))?.durationMs ?? 0;
    expect(ms).toBeGreaterThan(700);
    expect(ms).toBeLessThan(1150);
    await ch.hangup();
    await done;
  });

  it('a voicemail recording ends on the caller’s # key', async () => {
    const arriving = nextCall(h.server);
    const { id, done } = peerCall(h.peer, '4008001234');
    const ch = await arriving;
    await ch.answer(T);
    const rec = await ch.record({
      ...T,
      name: `fs-vm-${Date.now()}`,
      format: 'wav',
      beep: true,
      maxDurationSeconds: 20,
      maxSilenceSeconds: 5,
      terminateOn: '#',
    });
    const t0 = Date.now();
    setTimeout(() => void h.peer.call(id)?.press('#'), 600);
    expect((await rec.done).type).toBe('recording-finished');
    expect(Date.now() - t0).toBeLessThan(3000);
    await ch.hangup();
    await done;
  });
});
