import type { WaitOptions } from '../../../lib/wait.js';
import type { ChannelInfo, LiveState } from '../types.js';
import { FsChannel } from './channel.js';
import type { FsContext } from './context.js';
import { conferenceRows } from './translate.js';
import { ignored } from '../../../lib/settle.js';

export interface FsResyncHost {
  readonly ctx: FsContext;
  readonly channels: Map<string, FsChannel>;
  readonly originated: Set<string>;
  readonly unclaimed: Set<string>;
  readonly signal: AbortSignal;
  liveState(opts: WaitOptions): Promise<LiveState>;
  forget(channelId: string): void;
  dispatchInbound(info: ChannelInfo): void;
}

/**
 * After a (re)connect: channels we hold that FreeSWITCH no longer has have ended; hang-ups that
 * could not be sent are sent; conference memberships are read again; parked calls nobody holds
 * (a controller that died) are offered as adopted calls; playbacks that were running are
 * reported cut (their completion events went to the old connection).
 */
export async function resync(host: FsResyncHost): Promise<void> {
  const { ctx } = host;
  const opts = { timeoutMs: ctx.config.commandTimeoutMs, signal: host.signal };
  // Only channels known before the snapshot can be missing from it: a leg originated while it was
  // being read (the adapter is ready as soon as it connects) is not in it, yet lives.
  // Likewise playbacks: only those started before this connection lost their completion events.
  const known = new Set(host.channels.keys());
  const playing = new Set(ctx.playbacks.keys());
  const live = await host.liveState(opts);
  const present = new Set(live.channels.map((c) => c.id));
  for (const [id, channel] of [...host.channels]) {
    if (present.has(id) || !known.has(id)) continue;
    host.forget(id);
    channel.deliver({
      type: 'ended',
      channelId: id,
      cause: { code: 0, text: 'gone while disconnected' },
    });
  }
  for (const id of [...ctx.pendingHangups]) {
    if (present.has(id))
      await host.channels
        .get(id)
        ?.hangup()
        .catch(ignored(ctx.log, 'sending a hang-up again after the reconnect'));
    else ctx.pendingHangups.delete(id);
  }
  const { members } = conferenceRows(
    await ctx.api('conference json_list', opts).catch(() => ''),
    ctx.config.id,
  );
  ctx.members.clear();
  for (const [id, m] of members) ctx.members.set(id, m);
  for (const [playbackId, channelId] of [...ctx.playbacks]) {
    if (!playing.has(playbackId)) continue;
    ctx.playbacks.delete(playbackId);
    host.channels
      .get(channelId)
      ?.deliver({ type: 'playback-finished', channelId, playbackId, completed: false });
  }
  const orphans = live.channels.filter((c) => c.inApplication && !host.channels.has(c.id));
  for (const info of orphans.filter((o) => o.role === 'originated')) {
    const channel = new FsChannel(ctx, { ...info, adopted: true });
    host.channels.set(info.id, channel);
    host.originated.add(info.id);
    const talking = live.bridges.some(
      (b) => b.kind === 'mixing' && b.channelIds.includes(info.id) && b.channelIds.length > 1,
    );
    if (!talking) {
      void channel.hangup().catch(ignored(ctx.log, 'hanging up an agent leg left ringing'));
      continue;
    }
    host.unclaimed.add(info.id);
    setTimeout(() => {
      if (host.unclaimed.delete(info.id))
        void channel.hangup().catch(ignored(ctx.log, 'hanging up an unclaimed adopted agent leg'));
    }, 15_000).unref();
  }
  for (const info of orphans.filter((o) => o.role === 'inbound')) {
    // `show channels` reads FreeSWITCH's database, which lags: a call hung up a moment ago is
    // still listed there as parked. Offer only calls the core still has.
    if ((await ctx.api(`uuid_exists ${info.id}`, opts).catch(() => 'false')).trim() !== 'true')
      continue;
    ctx.log.warn({ channelId: info.id }, 'found a parked call left by another controller');
    host.dispatchInbound({ ...info, adopted: true });
  }
  ctx.log.info({ channels: host.channels.size }, 'resynchronised with FreeSWITCH');
}
