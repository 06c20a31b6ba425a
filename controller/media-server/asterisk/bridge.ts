import { isHotlineError } from '../../errors.js';
import type { WaitOptions } from '../../util/wait.js';
import type { Bridge, BridgeKind, RecordOptions, Recording } from '../types.js';
import type { AriContext } from './context.js';
import { startRecording } from './recording.js';

export class AriBridge implements Bridge {
  constructor(
    private readonly ctx: AriContext,
    public readonly id: string,
    public readonly kind: BridgeKind,
  ) {}

  private path(suffix = ''): string {
    return `/bridges/${encodeURIComponent(this.id)}${suffix}`;
  }

  async add(channelIds: string | readonly string[], opts: WaitOptions): Promise<void> {
    // ARI takes a list and moves a channel out of the bridge it is in: one request per change.
    const channel = typeof channelIds === 'string' ? channelIds : channelIds.join(',');
    await this.ctx.rest.request('POST', this.path('/addChannel'), { ...opts, query: { channel } });
  }

  async remove(channelId: string, opts: WaitOptions): Promise<void> {
    await this.ctx.rest.request('POST', this.path('/removeChannel'), { ...opts, query: { channel: channelId } });
  }

  async startMusicOnHold(mohClass: string | undefined, opts: WaitOptions): Promise<void> {
    await this.ctx.rest.request('POST', this.path('/moh'), { ...opts, query: { mohClass } });
  }

  async stopMusicOnHold(opts: WaitOptions): Promise<void> {
    await this.ctx.rest.request('DELETE', this.path('/moh'), opts);
  }

  record(opts: RecordOptions): Promise<Recording> {
    return startRecording(this.ctx, this.path(), opts);
  }

  async destroy(opts: WaitOptions): Promise<void> {
    try {
      await this.ctx.rest.request('DELETE', this.path(), opts);
    } catch (err) {
      if (!isHotlineError(err, 'MEDIA_NOT_FOUND')) {
        // Not removed (Asterisk too slow or away): tried again until it is, so none is left behind.
        this.ctx.pendingDestroys.add(this.id);
        this.ctx.bridges.delete(this.id);
        throw err;
      }
    }
    this.ctx.bridges.delete(this.id);
  }
}

