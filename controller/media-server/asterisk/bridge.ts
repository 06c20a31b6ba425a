import { isHotlineError } from '../../errors.js';
import type { WaitOptions } from '../../util/wait.js';
import type { Bridge, BridgeKind, RecordOptions, Recording, RecordingEvent } from '../types.js';
import type { AriContext } from './context.js';

export class AriBridge implements Bridge {
  constructor(
    private readonly ctx: AriContext,
    public readonly id: string,
    public readonly kind: BridgeKind,
  ) {}

  private path(suffix = ''): string {
    return `/bridges/${encodeURIComponent(this.id)}${suffix}`;
  }

  async add(channelId: string, opts: WaitOptions): Promise<void> {
    await this.ctx.rest.request('POST', this.path('/addChannel'), { ...opts, query: { channel: channelId } });
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

  async record(opts: RecordOptions): Promise<Recording> {
    const ctx = this.ctx;
    const name = opts.name;
    let settle: (event: RecordingEvent) => void = () => undefined;
    const done = new Promise<RecordingEvent>((resolve) => (settle = resolve));
    ctx.recordings.set(name, (event) => {
      if (event.type === 'recording-started') return;
      ctx.recordings.delete(name);
      settle(event);
    });
    try {
      await ctx.rest.request('POST', this.path('/record'), {
        ...opts,
        query: { name, format: opts.format, maxDurationSeconds: opts.maxDurationSeconds, beep: opts.beep ?? false, ifExists: 'fail' },
      });
    } catch (err) {
      ctx.recordings.delete(name);
      throw err;
    }
    const live = (suffix: string): string => `/recordings/live/${encodeURIComponent(name)}${suffix}`;
    return {
      name,
      done,
      async stop(o: WaitOptions): Promise<void> {
        try {
          await ctx.rest.request('POST', live('/stop'), o);
        } catch (err) {
          if (!isHotlineError(err, 'MEDIA_NOT_FOUND')) throw err;
        }
      },
      async pause(o: WaitOptions): Promise<void> {
        await ctx.rest.request('POST', live('/pause'), o);
      },
      async resume(o: WaitOptions): Promise<void> {
        await ctx.rest.request('DELETE', live('/pause'), o);
      },
    };
  }

  async destroy(opts: WaitOptions): Promise<void> {
    try {
      await this.ctx.rest.request('DELETE', this.path(), opts);
    } catch (err) {
      if (!isHotlineError(err, 'MEDIA_NOT_FOUND')) throw err;
    }
    this.ctx.bridges.delete(this.id);
  }
}

