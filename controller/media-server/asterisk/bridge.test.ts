import { describe, expect, it } from 'vitest';
import { HotlineError, isHotlineError } from '../../../lib/errors.js';
import { AriBridge } from './bridge.js';
import type { AriContext } from './context.js';

/** A bridge whose REST client answers addChannel from a script of HTTP statuses (204: done). */
function bridgeAnswering(statuses: number[]): { bridge: AriBridge; sent: string[] } {
  const sent: string[] = [];
  const rest = {
    request: (
      method: string,
      path: string,
      opts: { query?: Record<string, string> },
    ): Promise<unknown> => {
      sent.push(`${method} ${path}?channel=${opts.query?.channel ?? ''}`);
      const status = statuses.shift() ?? 204;
      if (status < 300) return Promise.resolve(undefined);
      const code = status === 404 ? 'MEDIA_NOT_FOUND' : 'MEDIA_REJECTED';
      return Promise.reject(
        new HotlineError(code, `ARI ${method} ${path}: ${status}`, { details: { status } }),
      );
    },
  };
  return { bridge: new AriBridge({ rest } as unknown as AriContext, 'b1', 'mixing'), sent };
}

describe('AriBridge.add', () => {
  const opts = { timeoutMs: 1000 };

  it('puts several channels in one request', async () => {
    const { bridge, sent } = bridgeAnswering([204]);
    await bridge.add(['caller', 'agent'], opts);
    expect(sent).toEqual(['POST /bridges/b1/addChannel?channel=caller,agent']);
  });

  it('asks again when a leg that just entered the application is reported "not in Stasis" (422)', async () => {
    const { bridge, sent } = bridgeAnswering([422, 422, 204]);
    await bridge.add(['caller', 'agent'], opts);
    expect(sent).toHaveLength(3);
  });

  it('gives up after a few tries with the typed error', async () => {
    const { bridge, sent } = bridgeAnswering([422, 422, 422, 422, 422]);
    const err = await bridge.add('caller', opts).catch((e: unknown) => e);
    expect(isHotlineError(err, 'MEDIA_REJECTED')).toBe(true);
    expect(sent).toHaveLength(4);
  });

  it('does not retry other refusals, nor after the call ended', async () => {
    const gone = bridgeAnswering([404]);
    expect(
      isHotlineError(
        await gone.bridge.add('caller', opts).catch((e: unknown) => e),
        'MEDIA_NOT_FOUND',
      ),
    ).toBe(true);
    expect(gone.sent).toHaveLength(1);
    const ended = bridgeAnswering([422, 204]);
    const err = await ended.bridge
      .add('caller', { timeoutMs: 1000, signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(isHotlineError(err, 'CALL_ENDED')).toBe(true);
    expect(ended.sent).toHaveLength(1);
  });
});
