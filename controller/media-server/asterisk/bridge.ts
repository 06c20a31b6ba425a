import { isHotlineError } from '../../../lib/errors.js';
import { sleep, type WaitOptions } from '../../../lib/wait.js';
import type { Bridge, BridgeKind, RecordOptions, Recording } from '../types.js';
import type { AriContext } from './context.js';
import { startRecording } from './recording.js';

const ADD_ATTEMPTS = 4;
const ADD_RETRY_MS = 25;

function notInApplication(err: unknown): boolean {
  return (
    isHotlineError(err, 'MEDIA_REJECTED') &&
    (err.details as { status?: number } | undefined)?.status === 422
  );
}

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
    for (let attempt = 1; ; attempt++) {
      try {
        await this.ctx.rest.request('POST', this.path('/addChannel'), {
          ...opts,
          query: { channel },
        });
        return;
      } catch (err) {
        // A leg that has only just entered the application (or is between two bridges) is, for a
        // moment, "not in Stasis" (422): seen about once in a few thousand connects under load.
        if (attempt >= ADD_ATTEMPTS || !notInApplication(err)) throw err;
        await sleep(ADD_RETRY_MS * attempt, opts.signal);
      }
    }
  }

  async remove(channelId: string, opts: WaitOptions): Promise<void> {
    await this.ctx.rest.request('POST', this.path('/removeChannel'), {
      ...opts,
      query: { channel: channelId },
    });
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
