import { hangup as hangupCall } from '../../session/verbs/hangup.js';
import type { FlowNode } from '../schema.js';
import type { NodeHandler } from '../run-state.js';
import { playSounds } from '../sounds.js';

type Node = Extract<FlowNode, { verb: 'voicemail' }>;

/**
 * The caller leaves a message: the mailbox's prompt, a beep, then the caller speaks until the time
 * limit, five seconds of silence, # or hanging up. The message is listed for the mailbox even when
 * the caller hangs up to end it (the usual way).
 */
export const voicemail: NodeHandler<Node> = async (call, node, run, deps) => {
  if (node.prompt) await playSounds(call, run, node.prompt, 60_000);
  const name = `voicemail-${node.mailbox}-${call.channel.id}`;
  const recording = await call.channel.record({
    name,
    format: 'wav',
    beep: true,
    maxDurationSeconds: node.maxSeconds,
    maxSilenceSeconds: 5,
    terminateOn: '#',
    timeoutMs: call.commandTimeoutMs,
  });
  call.note(`voicemail ${node.mailbox}`);
  const end = await recording.done;
  await deps.requests.addVoicemail({
    callId: call.channel.id,
    flow: run.flow.flow,
    mailbox: node.mailbox,
    callerMasked: call.record.callerMasked,
    callerHash: call.record.callerHash,
    recording: name,
    durationMs: end.type === 'recording-finished' ? end.durationMs : undefined,
    leftAt: new Date().toISOString(),
  });
  await hangupCall(call);
  return { end: 'voicemail', exit: end.type === 'recording-finished' ? 'left' : 'failed' };
};
