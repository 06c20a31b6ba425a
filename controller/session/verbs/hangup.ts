import type { CallContext } from '../context.js';

/** The controller ends the call. Marked first, so the `ended` event is attributed to us. */
export async function hangup(call: CallContext): Promise<void> {
  if (call.signal.aborted) return;
  call.record.hangupBy ??= 'controller';
  call.note('hangup');
  await call.channel.hangup('normal');
}
