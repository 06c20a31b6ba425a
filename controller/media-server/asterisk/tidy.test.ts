import { describe, expect, it } from 'vitest';
import { HotlineError } from '../../../lib/errors.js';
import { createLogger } from '../../log/logger.js';
import type { AriChannel } from './channel.js';
import type { AriContext } from './context.js';
import { tidy } from './tidy.js';

/** A context whose REST client answers DELETE /bridges/{id} from a script. */
function context(answers: Record<string, (() => void)[]>): { ctx: AriContext; sent: string[] } {
  const sent: string[] = [];
  const rest = {
    request: (method: string, path: string): Promise<unknown> => {
      sent.push(`${method} ${path}`);
      const next = answers[path]?.shift();
      try {
        next?.();
        return Promise.resolve(undefined);
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
  const ctx = {
    rest,
    log: createLogger({ level: 'silent', name: 'test' }),
    pendingHangups: new Set<string>(),
    pendingDestroys: new Set<string>(),
    bridges: new Set<string>(),
  } as unknown as AriContext;
  return { ctx, sent };
}

describe('tidy: clean-up that did not get through is sent again', () => {
  const opts = { timeoutMs: 1000 };
  const slow = (): void => {
    throw new HotlineError('MEDIA_FAILED', 'no answer in time');
  };
  const gone = (): void => {
    throw new HotlineError('MEDIA_NOT_FOUND', 'no such bridge');
  };

  it('removes a bridge on a later try, and forgets one Asterisk no longer has', async () => {
    const { ctx, sent } = context({ '/bridges/b1': [slow], '/bridges/b2': [gone] });
    ctx.pendingDestroys.add('b1');
    ctx.pendingDestroys.add('b2');
    await tidy(ctx, new Map(), opts);
    expect([...ctx.pendingDestroys]).toEqual(['b1']);
    await tidy(ctx, new Map(), opts);
    expect(ctx.pendingDestroys.size).toBe(0);
    expect(sent).toEqual(['DELETE /bridges/b1', 'DELETE /bridges/b2', 'DELETE /bridges/b1']);
  });

  it('hangs up a channel again while it lives, and drops one that ended meanwhile', async () => {
    const { ctx } = context({});
    const hungUp: string[] = [];
    const channel = {
      hangup: () => (hungUp.push('c1'), Promise.resolve()),
    } as unknown as AriChannel;
    ctx.pendingHangups.add('c1');
    ctx.pendingHangups.add('c2');
    await tidy(ctx, new Map([['c1', channel]]), opts);
    expect(hungUp).toEqual(['c1']);
    expect(ctx.pendingHangups.has('c2')).toBe(false);
  });
});
