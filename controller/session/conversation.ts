import { HotlineError } from '../../lib/errors.js';
import type { CallContext } from './context.js';
import { eitherEnds, firstAnswer } from './verbs/legs.js';
import { ignored } from '../../lib/settle.js';

function current(call: CallContext): NonNullable<CallContext['conversation']> {
  if (call.signal.aborted) throw new HotlineError('CALL_ENDED', 'the call has ended');
  const conv = call.conversation;
  if (!conv) throw new HotlineError('MEDIA_CONFLICT', 'the call is not talking to an agent');
  return conv;
}

/**
 * Puts the caller on hold: out of the conversation's bridge into one of its own with music, so
 * the agent hears nothing and the caller hears music; the agent stays in the conversation.
 */
export async function holdCaller(call: CallContext, musicClass?: string): Promise<void> {
  const conv = current(call);
  if (conv.holding) throw new HotlineError('MEDIA_CONFLICT', 'the caller is already on hold');
  const opts = { timeoutMs: call.commandTimeoutMs, signal: call.signal };
  const holding = await call.server.createBridge('holding', { timeoutMs: call.commandTimeoutMs });
  conv.holding = holding;
  try {
    await holding.startMusicOnHold(musicClass, opts);
    // Moves out of the conversation (a channel is in one bridge at a time).
    await holding.add(call.channel.id, opts);
  } catch (err) {
    conv.holding = undefined;
    await conv.bridge
      .add(call.channel.id, { timeoutMs: call.commandTimeoutMs })
      .catch(ignored(call.log, 'moving the caller back into the conversation'));
    await holding
      .destroy({ timeoutMs: call.commandTimeoutMs })
      .catch(ignored(call.log, 'removing a holding bridge that could not be set up'));
    throw err;
  }
  call.note('hold');
}

/** Back into the conversation; the music bridge goes. */
export async function resumeCaller(call: CallContext): Promise<void> {
  const conv = current(call);
  const holding = conv.holding;
  if (!holding) throw new HotlineError('MEDIA_CONFLICT', 'the caller is not on hold');
  const opts = { timeoutMs: call.commandTimeoutMs, signal: call.signal };
  await conv.bridge.add(call.channel.id, opts);
  conv.holding = undefined;
  await holding
    .destroy({ timeoutMs: call.commandTimeoutMs })
    .catch(ignored(call.log, 'removing the holding bridge'));
  call.note('resume');
}

/**
 * Blind transfer of a conversation: the target is rung while caller and agent go on talking; once
 * it answers it joins the conversation's bridge and the agent's leg is hung up (the agent goes to
 * wrap-up). A caller on hold is taken off hold to meet the target. No answer: MEDIA_REJECTED and
 * nothing changes.
 */
export async function transferCaller(
  call: CallContext,
  endpoint: string,
  ringSeconds = 30,
): Promise<void> {
  const conv = current(call);
  if (conv.transferredTo)
    throw new HotlineError('MEDIA_CONFLICT', 'the call has already been transferred');
  const opts = { timeoutMs: call.commandTimeoutMs, signal: call.signal };
  const leg = await call.server.originate(
    { endpoint, ringTimeoutSeconds: ringSeconds, callerNumber: call.channel.info.callerNumber },
    opts,
  );
  try {
    const answered = await firstAnswer(
      new Map([['target', leg]]),
      (ringSeconds + 2) * 1000,
      call.signal,
    );
    if (!answered) throw new HotlineError('MEDIA_REJECTED', `${endpoint} did not answer`);
    await conv.bridge.add(leg.id, opts);
    conv.transferredTo = leg;
  } catch (err) {
    await leg
      .hangup()
      .catch(ignored(call.log, 'hanging up a transfer target that was not connected'));
    throw err;
  }
  if (conv.holding) await resumeCaller(call);
  call.note(`transferred ${endpoint}`);
  const agentLeg = call.server.channel(conv.agentLegId);
  if (!agentLeg) return;
  await agentLeg.hangup();
  // The media server accepts a hang-up before the leg has gone: answer once the agent has left.
  const gone = new AbortController();
  const timer = setTimeout(() => gone.abort(), call.commandTimeoutMs);
  await eitherEnds(agentLeg.ended, gone.signal).finally(() => clearTimeout(timer));
  if (!agentLeg.ended.aborted)
    call.log.warn(
      { timeoutMs: call.commandTimeoutMs },
      'agent leg still up after the transfer hang-up',
    );
}
