import { randomUUID } from 'node:crypto';
import { HotlineError, isHotlineError } from '../../lib/errors.js';
import type { Bridge, Channel } from '../media-server/types.js';
import type { CallContext } from './context.js';
import { eitherEnds, firstAnswer } from './verbs/legs.js';
import { ignored } from '../../lib/settle.js';

export type SuperviseMode = 'listen' | 'whisper' | 'barge';

export interface Supervision {
  readonly id: string;
  readonly mode: SuperviseMode;
  readonly endpoint: string;
  /** The supervisor's bridge (listen, whisper) or the conversation's own (barge). */
  readonly bridge: Bridge;
  /** The spy (listen, whisper). */
  readonly snoopId?: string | undefined;
  readonly ended: Promise<void>;
}

/** How long the supervisor's phone may ring. */
const RING_SECONDS = 30;

/**
 * A supervisor joins a conversation from their phone: *listen* hears caller and agent unheard
 * (a spy on the caller's channel, both directions); *whisper* also speaks to the agent alone (a
 * spy on the agent's leg that whispers into it); *barge* joins the conversation (all three hear
 * each other). It ends when the supervisor hangs up or the call ends; nothing is left behind.
 */
export async function supervise(
  call: CallContext,
  mode: SuperviseMode,
  endpoint: string,
): Promise<Supervision> {
  const conv = call.conversation;
  if (call.signal.aborted) throw new HotlineError('CALL_ENDED', 'the call has ended');
  if (!conv) throw new HotlineError('MEDIA_CONFLICT', 'the call is not talking to an agent');
  const opts = { timeoutMs: call.commandTimeoutMs, signal: call.signal };
  const leg = await call.server.originate(
    {
      endpoint,
      ringTimeoutSeconds: RING_SECONDS,
      callerNumber: call.channel.info.callerNumber,
      variables: { HOTLINE_SUPERVISE: call.channel.id },
    },
    opts,
  );
  let spy: { id: string; hangup(): Promise<void> } | undefined;
  let own: Bridge | undefined;
  try {
    const answered = await firstAnswer(
      new Map([['supervisor', leg]]),
      (RING_SECONDS + 2) * 1000,
      call.signal,
    );
    if (!answered)
      throw new HotlineError(
        'MEDIA_REJECTED',
        `the supervisor's phone (${endpoint}) did not answer`,
      );
    let bridge: Bridge;
    if (mode === 'barge') {
      bridge = conv.bridge;
      await bridge.add(leg.id, opts);
    } else {
      const target: Channel | undefined =
        mode === 'listen' ? call.channel : call.server.channel(conv.agentLegId);
      if (!target) throw new HotlineError('MEDIA_NOT_FOUND', "the agent's leg is gone");
      spy = await target.snoop({
        ...opts,
        spy: 'both',
        whisper: mode === 'whisper' ? 'out' : 'none',
      });
      own = await call.server.createBridge('mixing', { timeoutMs: call.commandTimeoutMs });
      await own.add(leg.id, opts);
      await addWhenReady(own, spy.id, opts);
      bridge = own;
    }
    call.note(`${mode} ${endpoint}`);
    return {
      id: randomUUID(),
      mode,
      endpoint,
      bridge,
      snoopId: spy?.id,
      ended: watch(call, leg, spy, own, mode),
    };
  } catch (err) {
    await cleanUp(call, leg, spy, own);
    throw err;
  }
}

/** A spy joins the application a moment after it is made; until then the bridge refuses it. */
async function addWhenReady(
  bridge: Bridge,
  channelId: string,
  opts: { timeoutMs: number; signal: AbortSignal },
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await bridge.add(channelId, opts);
      return;
    } catch (err) {
      if (
        attempt >= 25 ||
        !(
          isHotlineError(err, 'MEDIA_CONFLICT') ||
          isHotlineError(err, 'MEDIA_NOT_FOUND') ||
          isHotlineError(err, 'MEDIA_REJECTED')
        )
      )
        throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/**
 * Until the supervisor or the call hangs up; a barging supervisor leaves the conversation's bridge
 * to the queue verb.
 */
async function watch(
  call: CallContext,
  leg: Channel,
  spy: { hangup(): Promise<void> } | undefined,
  own: Bridge | undefined,
  mode: SuperviseMode,
): Promise<void> {
  await eitherEnds(call.signal, leg.ended);
  call.note(`${mode} ended`);
  await cleanUp(call, leg, spy, own);
}

async function cleanUp(
  call: CallContext,
  leg: Channel,
  spy: { hangup(): Promise<void> } | undefined,
  own: Bridge | undefined,
): Promise<void> {
  await leg.hangup().catch(ignored(call.log, 'hanging up the supervisor leg'));
  await spy?.hangup().catch(ignored(call.log, 'removing the supervisor spy'));
  await own
    ?.destroy({ timeoutMs: call.commandTimeoutMs })
    .catch(ignored(call.log, 'removing the supervisor bridge'));
}
