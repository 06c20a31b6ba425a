import { describe, expect, it } from 'vitest';
import { ignored } from './settle.js';

describe('ignored', () => {
  it('resolves to undefined and logs what failed, with the error, at debug', async () => {
    const seen: unknown[][] = [];
    const log = { debug: (...a: unknown[]) => void seen.push(a) };
    const err = new Error('gone');
    await expect(Promise.reject(err).catch(ignored(log, 'removing the bridge'))).resolves.toBeUndefined();
    expect(seen).toEqual([[{ err }, 'removing the bridge failed (ignored)']]);
  });

  it('works without a logger', async () => {
    await expect(Promise.reject(new Error('x')).catch(ignored(undefined, 'x'))).resolves.toBeUndefined();
  });
});
