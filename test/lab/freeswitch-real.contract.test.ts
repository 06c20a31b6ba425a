import { expect, it } from 'vitest';
import { mediaServerContract, nextCall, nextEvent } from '../contract/media-server.contract.js';
import { describeOnFreeswitch } from './freeswitch-lab.js';
import { FREESWITCH_TRUNK, freeswitchHarness } from './freeswitch-harness.js';
import { placeSippCall } from './harness.js';

/**
 * The media-server contract on REAL FreeSWITCH 1.10.12 (the lab's, configured from
 * dialplan/freeswitch), with SIPp as the carrier on the trunk profile: the same suite the ESL
 * peer (test/freeswitch/contract.test.ts) and the lab's Asterisk run.
 */
describeOnFreeswitch('real FreeSWITCH', () => {
  mediaServerContract('freeswitch (real lab over ESL)', () => freeswitchHarness());

  it('a leg originated the moment the adapter is ready lives (the first resync does not end it)', async () => {
    const h = await freeswitchHarness();
    try {
      const leg = await h.server.originate(
        { endpoint: h.answeringEndpoint, ringTimeoutSeconds: 10, callerNumber: '4008001234' },
        { timeoutMs: 5000 },
      );
      if (leg.info.state !== 'up') await nextEvent(leg, 'answered', 5000);
      expect(leg.ended.aborted).toBe(false);
      await leg.hangup();
    } finally {
      await h.close();
    }
  });

  it('hears an RFC 4733 key from SIPp (the first key event does not carry RTP timestamp 0)', async () => {
    const h = await freeswitchHarness();
    try {
      const arriving = nextCall(h.server);
      const caller = placeSippCall({ number: '4008001234', dtmf: '2', target: FREESWITCH_TRUNK });
      const ch = await arriving;
      try {
        await ch.answer({ timeoutMs: 5000 });
        expect((await nextEvent(ch, 'dtmf', 8000)).digit).toBe('2');
      } finally {
        await ch.hangup().catch(() => undefined);
        await caller.done;
      }
    } finally {
      await h.close();
    }
  });
});
