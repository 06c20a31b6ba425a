import { HotlineError, isHotlineError } from '../../../lib/errors.js';
import { waitForEvent, type WaitOptions } from '../../../lib/wait.js';
import type { Bridge, BridgeKind, RecordOptions, Recording } from '../types.js';
import type { ConferenceEvent, FsContext } from './context.js';
import { conferenceRecording } from './recording.js';
import { ignored } from '../../../lib/settle.js';

/**
 * A bridge is a mod_conference conference named by the controller (`hotline-m-…` mixing,
 * `hotline-h-…` holding, its members muted). FreeSWITCH creates a conference with its first
 * member and ends it with its last, so creating one sends nothing, and destroying one means
 * moving its members out (back to `park`, where the controller keeps them).
 */
export class FsBridge implements Bridge {
  constructor(
    private readonly ctx: FsContext,
    readonly id: string,
    readonly kind: BridgeKind,
  ) {}

  async add(channelIds: string | readonly string[], opts: WaitOptions): Promise<void> {
    for (const id of typeof channelIds === 'string' ? [channelIds] : channelIds)
      await this.addOne(id, opts);
  }

  private async addOne(channelId: string, opts: WaitOptions): Promise<void> {
    const current = this.ctx.members.get(channelId);
    if (current?.conference === this.id) return;
    // A channel is in one bridge at a time (as in Asterisk): leave the old one first, or the
    // conference application would wait behind the one still running.
    if (current) await moveOut(this.ctx, channelId, current.conference, opts);
    const profile =
      this.kind === 'holding'
        ? `${this.ctx.config.holdingProfile}+flags{mute}`
        : this.ctx.config.conferenceProfile;
    const joined = this.memberEvent('add-member', channelId, opts);
    try {
      const run = this.ctx.conn().execute(channelId, 'conference', `${this.id}@${profile}`, opts);
      await run.accepted;
    } catch (err) {
      joined.catch(
        ignored(
          this.ctx.log,
          'waiting for the channel to join the conference after the command failed',
        ),
      );
      throw err;
    }
    await joined;
  }

  async remove(channelId: string, opts: WaitOptions): Promise<void> {
    if (this.ctx.members.get(channelId)?.conference !== this.id) return;
    await moveOut(this.ctx, channelId, this.id, opts);
  }

  async startMusicOnHold(mohClass: string | undefined, opts: WaitOptions): Promise<void> {
    const stream = mohClass ? `local_stream://${mohClass}` : this.ctx.config.musicOnHold;
    await this.ctx.api(`conference ${this.id} play ${stream}`, opts);
  }

  async stopMusicOnHold(opts: WaitOptions): Promise<void> {
    await this.ctx.api(`conference ${this.id} stop all`, opts).catch((err: unknown) => {
      if (!isHotlineError(err, 'MEDIA_NOT_FOUND')) throw err;
    });
  }

  record(opts: RecordOptions): Promise<Recording> {
    return conferenceRecording(this.ctx, this.id, opts);
  }

  async destroy(opts: WaitOptions): Promise<void> {
    const inside = [...this.ctx.members]
      .filter(([, m]) => m.conference === this.id)
      .map(([id]) => id);
    for (const channelId of inside) {
      await moveOut(this.ctx, channelId, this.id, opts).catch((err: unknown) => {
        // Hung up meanwhile: it has left by itself.
        if (!isHotlineError(err, 'MEDIA_NOT_FOUND') && !isHotlineError(err, 'CALL_ENDED'))
          throw err;
      });
    }
  }

  private memberEvent(
    action: string,
    channelId: string,
    opts: WaitOptions,
  ): Promise<ConferenceEvent> {
    return memberEvent(this.ctx, this.id, action, channelId, opts);
  }
}

function memberEvent(
  ctx: FsContext,
  conference: string,
  action: string,
  channelId: string,
  opts: WaitOptions,
): Promise<ConferenceEvent> {
  return waitForEvent<ConferenceEvent>(
    (l) => ctx.onConference(l),
    (e) => e.action === action && e.channelId === channelId && e.conference === conference,
    opts,
    `${action} ${conference}`,
  );
}

/** `uuid_transfer <uuid> park inline`: ends the conference application; the channel parks again. */
async function moveOut(
  ctx: FsContext,
  channelId: string,
  conference: string,
  opts: WaitOptions,
): Promise<void> {
  const left = memberEvent(ctx, conference, 'del-member', channelId, opts);
  try {
    await ctx.api(`uuid_transfer ${channelId} park inline`, opts);
  } catch (err) {
    left.catch(
      ignored(ctx.log, 'waiting for the channel to leave the conference after the command failed'),
    );
    if (isHotlineError(err, 'MEDIA_NOT_FOUND'))
      throw new HotlineError('CALL_ENDED', 'the channel has hung up', { cause: err });
    throw err;
  }
  await left;
}
