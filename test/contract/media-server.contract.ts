import { rmSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import type {
  Channel,
  ChannelEvent,
  Media,
  MediaServer,
} from '../../controller/media-server/types.js';
import { waitForEvent } from '../../lib/wait.js';

/**
 * The media-server contract. Every adapter runs this same suite: the scripted in-memory server,
 * Asterisk on the real lab, and (issue 7) FreeSWITCH against the ESL peer.
 */
export interface ContractHarness {
  server: MediaServer;
  /**
   * A caller dials `number`. With `dtmf`, it presses those keys about 0.8 s after the answer; it
   * then waits for our hang-up, or hangs up itself after `hangupAfterMs`.
   */
  placeCall(opts: { number: string; dtmf?: string; hangupAfterMs?: number }): {
    done: Promise<unknown>;
  };
  /** An endpoint that answers when originated. */
  answeringEndpoint: string;
  /** Media that plays about a second. */
  shortMedia: Media;
  /** Media that plays several seconds. */
  longMedia: Media;
  close(): Promise<void>;
}

const T = { timeoutMs: 5000 };

export function nextCall(server: MediaServer, timeoutMs = 10_000): Promise<Channel> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('no inbound call arrived'));
    }, timeoutMs);
    const off = server.onCall((channel) => {
      clearTimeout(timer);
      off();
      resolve(channel);
    });
  });
}

export function nextEvent<T extends ChannelEvent['type']>(
  channel: Channel,
  type: T,
  timeoutMs = 5000,
): Promise<Extract<ChannelEvent, { type: T }>> {
  return waitForEvent<ChannelEvent>(
    (l) => channel.on(l),
    (e) => e.type === type,
    { timeoutMs },
    type,
  ) as Promise<Extract<ChannelEvent, { type: T }>>;
}

export function mediaServerContract(
  name: string,
  makeHarness: () => Promise<ContractHarness>,
): void {
  describe(`media-server contract: ${name}`, () => {
    let h: ContractHarness;
    beforeAll(async () => {
      h = await makeHarness();
    });
    afterAll(async () => {
      await h.close();
    });

    /** Places a call, hands over its channel, and makes sure both ends are gone afterwards. */
    async function withCall(
      opts: { dtmf?: string; hangupAfterMs?: number },
      body: (ch: Channel) => Promise<void>,
    ): Promise<void> {
      const arriving = nextCall(h.server);
      const caller = h.placeCall({ number: '4008001234', ...opts });
      const channel = await arriving;
      try {
        await body(channel);
      } finally {
        await channel.hangup().catch(() => undefined);
        await caller.done;
      }
    }

    it('hands over an inbound call with its numbers, and answers it', async () => {
      await withCall({}, async (ch) => {
        expect(ch.info.calledNumber).toBe('4008001234');
        expect(ch.info.callerNumber).toMatch(/^\d+$/);
        expect(ch.info.inApplication).toBe(true);
        expect(ch.ended.aborted).toBe(false);
        const answered = nextEvent(ch, 'answered');
        await ch.answer(T);
        await answered;
      });
    });

    it('plays media to the end, with started and finished events', async () => {
      await withCall({}, async (ch) => {
        await ch.answer(T);
        const started = nextEvent(ch, 'playback-started');
        const playback = await ch.play(h.shortMedia, T);
        expect((await started).playbackId).toBe(playback.id);
        expect(await playback.done).toBe(true);
        expect(await h.server.playbackExists(playback.id, T)).toBe(false);
      });
    });

    it('stops a playback early; done says it did not complete', async () => {
      await withCall({}, async (ch) => {
        await ch.answer(T);
        const started = nextEvent(ch, 'playback-started');
        const playback = await ch.play(h.longMedia, T);
        await started;
        const t0 = Date.now();
        await playback.stop(T);
        expect(await playback.done).toBe(false);
        expect(Date.now() - t0).toBeLessThan(1500);
        // Stopping twice is harmless.
        await playback.stop(T);
      });
    });

    it('reports the caller’s DTMF', async () => {
      await withCall({ dtmf: '1' }, async (ch) => {
        await ch.answer(T);
        const dtmf = await nextEvent(ch, 'dtmf', 8000);
        expect(dtmf.digit).toBe('1');
      });
    });

    it('sets and reads channel variables', async () => {
      await withCall({}, async (ch) => {
        await ch.answer(T);
        await ch.setVariable('HOTLINE_TEST', 'value-42', T);
        expect(await ch.getVariable('HOTLINE_TEST', T)).toBe('value-42');
      });
    });

    it('ends the channel when we hang up: signal fires, listeners go, later commands fail typed', async () => {
      await withCall({}, async (ch) => {
        await ch.answer(T);
        ch.on(() => undefined);
        const ended = nextEvent(ch, 'ended');
        await ch.hangup();
        await ended;
        expect(ch.ended.aborted).toBe(true);
        expect(ch.listenerCount()).toBe(0);
        const err = await ch.play(h.shortMedia, T).catch((e: unknown) => e);
        expect(isHotlineError(err, 'CALL_ENDED')).toBe(true);
        // Asterisk may list a channel for a moment after its StasisEnd: gone soon is the contract.
        await expect
          .poll(async () => (await h.server.liveState(T)).channels.map((c) => c.id), {
            timeout: 3000,
          })
          .not.toContain(ch.id);
      });
    });

    it('ends the channel when the caller hangs up', async () => {
      await withCall({ hangupAfterMs: 1000 }, async (ch) => {
        await ch.answer(T);
        const ended = await nextEvent(ch, 'ended', 8000);
        expect(ended.cause.code).toBeGreaterThanOrEqual(0);
        expect(ch.ended.aborted).toBe(true);
      });
    });

    it('times out a wait with a typed error and removes the listener', async () => {
      await withCall({}, async (ch) => {
        await ch.answer(T);
        const before = ch.listenerCount();
        const err = await waitForEvent<ChannelEvent>(
          (l) => ch.on(l),
          (e) => e.type === 'dtmf',
          { timeoutMs: 200 },
        ).catch((e: unknown) => e);
        expect(isHotlineError(err, 'WAIT_TIMEOUT')).toBe(true);
        expect(ch.listenerCount()).toBe(before);
      });
    });

    it('bridges a channel in a mixing bridge and records the bridge', async () => {
      await withCall({}, async (ch) => {
        await ch.answer(T);
        const bridge = await h.server.createBridge('mixing', T);
        await bridge.add(ch.id, T);
        const state = await h.server.liveState(T);
        expect(state.bridges.find((b) => b.id === bridge.id)?.channelIds).toContain(ch.id);
        const recording = await bridge.record({
          ...T,
          name: `contract-${Date.now()}`,
          format: 'wav',
        });
        await new Promise((r) => setTimeout(r, 600));
        await recording.stop(T);
        const end = await recording.done;
        expect(end.type).toBe('recording-finished');
        rmSync(h.server.recordingFile(recording.name, 'wav'), { force: true });
        await bridge.destroy(T);
        // Asterisk may list a bridge whose recording is still closing for a moment after DELETE.
        await expect
          .poll(async () => (await h.server.liveState(T)).bridges.map((b) => b.id), {
            timeout: 2000,
          })
          .not.toContain(bridge.id);
      });
    });

    it('records the caller on its own channel, ending at the time limit', async () => {
      await withCall({}, async (ch) => {
        await ch.answer(T);
        const started = Date.now();
        const recording = await ch.record({
          ...T,
          name: `contract-ch-${Date.now()}`,
          format: 'wav',
          maxDurationSeconds: 1,
          terminateOn: '#',
        });
        const end = await recording.done;
        expect(end.type).toBe('recording-finished');
        expect(Date.now() - started).toBeLessThan(5000);
        // Stopping a recording that already ended is not an error.
        await recording.stop(T);
        rmSync(h.server.recordingFile(recording.name, 'wav'), { force: true });
      });
    });

    it('records only the caller through a spy while a prompt plays, into a file the controller reads', async () => {
      await withCall({}, async (ch) => {
        await ch.answer(T);
        if (h.server.capabilities.talkDetection)
          await ch.detectTalking({ ...T, silenceMs: 800, thresholdMs: 100 });
        const playback = await ch.play(h.longMedia, T);
        const name = `contract-spy-${Date.now()}`;
        const recording = await ch.recordCaller({
          ...T,
          name,
          format: 'wav',
          maxDurationSeconds: 1,
        });
        const end = await recording.done;
        expect(end.type).toBe('recording-finished');
        // The prompt was not disturbed by the spy, and the file is there to read.
        await playback.stop(T);
        expect(statSync(h.server.recordingFile(name, 'wav')).size).toBeGreaterThan(44);
        rmSync(h.server.recordingFile(name, 'wav'), { force: true });
        // The spy is gone with its recording: only the call is left.
        for (let i = 0; i < 20 && (await h.server.liveState(T)).channels.length > 1; i++)
          await new Promise((r) => setTimeout(r, 50));
        expect((await h.server.liveState(T)).channels.map((c) => c.id)).toEqual([ch.id]);
      });
    });

    it('refuses what its capabilities say it cannot do with MEDIA_UNSUPPORTED, never silently', async () => {
      await withCall({}, async (ch) => {
        await ch.answer(T);
        const caps = h.server.capabilities;
        if (!caps.talkDetection)
          expect(
            isHotlineError(
              await ch
                .detectTalking({ ...T, silenceMs: 800, thresholdMs: 100 })
                .catch((e: unknown) => e),
              'MEDIA_UNSUPPORTED',
            ),
          ).toBe(true);
        if (!caps.snoop)
          expect(
            isHotlineError(
              await ch.snoop({ ...T, spy: 'both', whisper: 'none' }).catch((e: unknown) => e),
              'MEDIA_UNSUPPORTED',
            ),
          ).toBe(true);
        if (caps.snoop) {
          const spy = await ch.snoop({ ...T, spy: 'both', whisper: 'none' });
          await spy.hangup();
        }
      });
    });

    it('holds a channel in a holding bridge with music on hold', async () => {
      await withCall({}, async (ch) => {
        await ch.answer(T);
        const created = await h.server.createBridge('holding', T);
        await created.add(ch.id, T);
        // A handle found again from the live state (as after adopting a call) drives the same bridge.
        const info = (await h.server.liveState(T)).bridges.find((b) =>
          b.channelIds.includes(ch.id),
        );
        expect(info).toMatchObject({ id: created.id, kind: 'holding' });
        const bridge = h.server.bridge(info!);
        await bridge.startMusicOnHold(undefined, T);
        await bridge.stopMusicOnHold(T);
        await bridge.remove(ch.id, T);
        await bridge.destroy(T);
      });
    });

    it('moves a held caller and an answered leg into a mixing bridge in one step', async () => {
      await withCall({}, async (ch) => {
        await ch.answer(T);
        const holding = await h.server.createBridge('holding', T);
        await holding.add(ch.id, T);
        const leg = await h.server.originate(
          { endpoint: h.answeringEndpoint, ringTimeoutSeconds: 10, callerNumber: '4008001234' },
          T,
        );
        try {
          if (leg.info.state !== 'up') await nextEvent(leg, 'answered', 8000);
          const mixing = await h.server.createBridge('mixing', T);
          // No removal from the holding bridge first: a channel is in one bridge at a time.
          await mixing.add([ch.id, leg.id], T);
          const bridges = (await h.server.liveState(T)).bridges;
          expect(
            bridges
              .find((b) => b.id === mixing.id)
              ?.channelIds.slice()
              .sort(),
          ).toEqual([ch.id, leg.id].sort());
          expect(bridges.find((b) => b.id === holding.id)?.channelIds ?? []).toEqual([]);
          await mixing.destroy(T);
        } finally {
          await leg.hangup();
          await holding.destroy(T);
        }
      });
    });

    it('originates a leg that answers, then hangs it up', async () => {
      const leg = await h.server.originate(
        { endpoint: h.answeringEndpoint, ringTimeoutSeconds: 10, callerNumber: '4008001234' },
        T,
      );
      // The answer may come before originate() returns: the state says so, else wait for it.
      if (leg.info.state !== 'up') await nextEvent(leg, 'answered', 8000);
      expect(leg.info.state).toBe('up');
      // The same handle is found again by id while it lives, and never after.
      expect(h.server.channel(leg.id)).toBe(leg);
      expect(h.server.channel('no-such-channel')).toBeUndefined();
      const ended = nextEvent(leg, 'ended');
      await leg.hangup();
      await ended;
      expect(leg.ended.aborted).toBe(true);
      expect(h.server.channel(leg.id)).toBeUndefined();
    });

    it('refuses commands with a deadline already passed or a call already over', async () => {
      const aborted = AbortSignal.abort();
      const err = await h.server
        .createBridge('mixing', { timeoutMs: 1000, signal: aborted })
        .catch((e: unknown) => e);
      expect(isHotlineError(err, 'CALL_ENDED')).toBe(true);
    });
  });
}
