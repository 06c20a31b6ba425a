import type { Bridge } from '../media-server/types.js';
import type { QueueConfig } from './config-schema.js';
import type { CallContext } from '../session/context.js';

/**
 * Makes the conversation recordable (on demand, through the API) and, for queues that always
 * record, starts recording it. A recording that cannot start is logged, never a dropped call.
 */
export async function record(
  call: CallContext,
  q: QueueConfig,
  mixing: Bridge,
  agentId: string,
): Promise<(() => void) | undefined> {
  const capture = call.recordings;
  if (!capture || q.record === 'never') return undefined;
  const info = call.channel.info;
  const meta = {
    callId: call.channel.id,
    number: info.calledNumber,
    callerNumber: info.callerNumber,
    agentId,
    queue: q.id,
  };
  const unregister = capture.register(meta, mixing, call.server, call.log, (id) => {
    call.record.recordingId = id;
    call.note('recording');
  });
  if (q.record === 'always') {
    try {
      await capture.start(call.channel.id);
    } catch (err) {
      if (!call.signal.aborted)
        call.log.error({ err }, 'conversation not recorded: the recording did not start');
    }
  }
  return unregister;
}

/** The consent notice, before the caller waits (and so before anything is recorded). */
export async function consent(call: CallContext, prompt: string): Promise<void> {
  await call.channel
    .play([{ type: 'prompt', id: prompt, language: call.settings.language }], {
      timeoutMs: 30_000,
      signal: call.signal,
    })
    .catch((err: unknown) => {
      if (call.signal.aborted) throw err;
      call.log.warn({ err }, 'recording consent prompt not played');
    });
}
