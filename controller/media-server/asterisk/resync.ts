import type { WaitOptions } from '../../../lib/wait.js';
import type { BridgeInfo, ChannelInfo, LiveState } from '../types.js';
import { AriChannel } from './channel.js';
import type { AriContext } from './context.js';
import { ignored } from '../../../lib/settle.js';

/** The parts of the Asterisk server the resync after a (re)connect works on. */
export interface ResyncHost {
  readonly ctx: AriContext;
  readonly channels: Map<string, AriChannel>;
  /** Adopted agent legs in a conversation, kept for the caller's session to claim. */
  readonly unclaimed: Set<string>;
  /** Aborts when the server closes. */
  readonly signal: AbortSignal;
  liveState(opts: WaitOptions): Promise<LiveState>;
  playbackExists(playbackId: string, opts: WaitOptions): Promise<boolean>;
  forget(channelId: string): void;
  dispatchInbound(info: ChannelInfo): void;
}

/**
 * After a (re)connect: channels we hold that Asterisk no longer has have ended; channels in our
 * application that nobody holds (a previous controller died) are hung up; playbacks that ended
 * while we were away are reported finished.
 */
export async function resync(host: ResyncHost): Promise<void> {
  const opts = { timeoutMs: host.ctx.config.commandTimeoutMs, signal: host.signal };
  const live = await host.liveState(opts);
  const present = new Set(live.channels.map((c) => c.id));
  for (const [id, channel] of [...host.channels]) {
    if (present.has(id)) continue;
    host.forget(id);
    channel.deliver({
      type: 'ended',
      channelId: id,
      cause: { code: 0, text: 'gone while disconnected' },
    });
  }
  for (const id of [...host.ctx.pendingHangups]) {
    if (!present.has(id)) continue;
    host.ctx.log.info({ channelId: id }, 'sending a hang-up that failed while disconnected');
    await host.channels
      .get(id)
      ?.hangup()
      .catch(ignored(host.ctx.log, 'sending a hang-up again after the reconnect'));
  }
  const orphans = live.channels.filter((info) => info.inApplication && !host.channels.has(info.id));
  // Agent legs first: a conversation's caller, adopted next, claims its agent's leg.
  for (const info of orphans.filter((o) => o.role === 'originated'))
    adoptLeg(host, info, live.bridges);
  // A spy left recording by a controller that died: its turn is over.
  for (const info of orphans.filter((o) => o.role === 'snoop'))
    await host.ctx.rest
      .request('DELETE', `/channels/${info.id}`, opts)
      .catch(ignored(host.ctx.log, 'removing a spy left by another controller'));
  for (const info of orphans.filter((o) => o.role === 'inbound')) {
    // A call a previous controller left behind: offered to whoever handles calls (it may resume
    // a waiting caller or a conversation); with nobody to take it, it is hung up.
    host.ctx.log.warn(
      { channelId: info.id },
      'found a call left in the application by another controller',
    );
    host.dispatchInbound({ ...info, adopted: true });
  }
  for (const b of live.bridges) {
    // Left empty by a controller that died before tidying up (a holding bridge of a caller who
    // was connected, say): nobody will ever use it.
    if (b.channelIds.length > 0 || host.ctx.bridges.has(b.id)) continue;
    await host.ctx.rest
      .request('DELETE', `/bridges/${b.id}`, opts)
      .catch(ignored(host.ctx.log, 'removing an empty bridge left by another controller'));
  }
  for (const [playbackId, channelId] of [...host.ctx.playbacks]) {
    if (await host.playbackExists(playbackId, opts)) continue;
    host.channels
      .get(channelId)
      ?.deliver({ type: 'playback-finished', channelId, playbackId, completed: false });
  }
  host.ctx.log.info({ channels: host.channels.size }, 'resynchronised with Asterisk');
}

/**
 * An agent's leg left by a controller that died. In a conversation (a mixing bridge with the
 * caller) it is kept for the caller's session to claim; unclaimed after a while, or ringing with
 * nobody to answer to, it is hung up.
 */
function adoptLeg(host: ResyncHost, info: ChannelInfo, bridges: BridgeInfo[]): void {
  const channel = new AriChannel(host.ctx, { ...info, adopted: true });
  host.channels.set(info.id, channel);
  const talking = bridges.some(
    (b) => b.kind === 'mixing' && b.channelIds.includes(info.id) && b.channelIds.length > 1,
  );
  if (!talking) {
    host.ctx.log.info(
      { channelId: info.id },
      'hanging up an agent leg left ringing by another controller',
    );
    void channel.hangup().catch(ignored(host.ctx.log, 'hanging up an agent leg left ringing'));
    return;
  }
  host.unclaimed.add(info.id);
  setTimeout(() => {
    if (!host.unclaimed.delete(info.id)) return;
    host.ctx.log.warn(
      { channelId: info.id },
      'adopted agent leg not claimed by any call; hanging up',
    );
    void channel.hangup().catch(ignored(host.ctx.log, 'hanging up an unclaimed adopted agent leg'));
  }, 15_000).unref();
}
