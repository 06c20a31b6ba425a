import { isHotlineError } from '../../../lib/errors.js';
import type { WaitOptions } from '../../../lib/wait.js';
import type { AriChannel } from './channel.js';
import type { AriContext } from './context.js';
import { ignored } from '../../../lib/settle.js';

/**
 * Clean-up that did not get through is sent again. Under overload Asterisk can answer a hang-up
 * or a bridge removal too late for its deadline while the connection stays up (so no resync
 * comes): without another try the call stays up and the bridge, with its music, stays in
 * Asterisk's memory. Run every few seconds while connected.
 */
export async function tidy(
  ctx: AriContext,
  channels: Map<string, AriChannel>,
  opts: WaitOptions,
): Promise<void> {
  for (const id of [...ctx.pendingHangups]) {
    const channel = channels.get(id);
    // Ended meanwhile (Asterisk hung it up, or the far end did): nothing left to send.
    if (!channel) {
      ctx.pendingHangups.delete(id);
      continue;
    }
    await channel.hangup().catch(ignored(ctx.log, 'sending a pending hang-up again'));
  }
  for (const id of [...ctx.pendingDestroys]) {
    try {
      await ctx.rest.request('DELETE', `/bridges/${encodeURIComponent(id)}`, opts);
      ctx.pendingDestroys.delete(id);
    } catch (err) {
      if (isHotlineError(err, 'MEDIA_NOT_FOUND')) ctx.pendingDestroys.delete(id);
    }
  }
}
