import type { CallContext } from '../context.js';

export async function answer(call: CallContext): Promise<void> {
  await call.channel.answer({ timeoutMs: call.commandTimeoutMs, signal: call.signal });
  call.record.answeredAt = new Date().toISOString();
  call.note('answered');
}
