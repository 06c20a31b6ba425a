import type { Logger } from '../log/logger.js';
import type { Unsubscribe } from '../../lib/wait.js';
import type { ChannelEvent, ChannelInfo } from './types.js';

/**
 * A channel's listeners and end signal, the same for every adapter: events go out in order, a
 * listener that throws is logged and the others still hear it, `ended` comes once and then the
 * listeners are gone.
 */
export class ChannelEvents {
  private readonly listeners = new Set<(event: ChannelEvent) => void>();
  private readonly endController = new AbortController();

  constructor(
    private readonly info: ChannelInfo,
    private readonly log: Logger,
  ) {}

  get ended(): AbortSignal {
    return this.endController.signal;
  }

  deliver(event: ChannelEvent): void {
    if (this.ended.aborted) return;
    if (event.type === 'answered') this.info.state = 'up';
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.log.error(
          { err, channelId: this.info.id, event: event.type },
          'channel listener threw',
        );
      }
    }
    if (event.type === 'ended') {
      this.endController.abort();
      this.listeners.clear();
    }
  }

  on(listener: (event: ChannelEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  count(): number {
    return this.listeners.size;
  }
}
