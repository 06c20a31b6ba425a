import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isHotlineError } from './errors.js';
import { Backoff } from './backoff.js';
import { sleep, waitForEvent, withDeadline } from './wait.js';

function source() {
  const em = new EventEmitter();
  return {
    em,
    subscribe: (l: (e: number) => void) => {
      em.on('e', l);
      return () => em.off('e', l);
    },
  };
}

describe('waitForEvent', () => {
  it('resolves with the first matching event and removes its listener', async () => {
    const s = source();
    const p = waitForEvent(s.subscribe, (e) => e > 1, { timeoutMs: 1000 });
    s.em.emit('e', 1);
    s.em.emit('e', 2);
    expect(await p).toBe(2);
    expect(s.em.listenerCount('e')).toBe(0);
  });

  it('rejects WAIT_TIMEOUT at the deadline, listener removed', async () => {
    const s = source();
    const err = await waitForEvent(s.subscribe, () => true, { timeoutMs: 20 }).catch(
      (e: unknown) => e,
    );
    expect(isHotlineError(err, 'WAIT_TIMEOUT')).toBe(true);
    expect(s.em.listenerCount('e')).toBe(0);
  });

  it('rejects CALL_ENDED when the call ends, listener removed', async () => {
    const s = source();
    const ac = new AbortController();
    const p = waitForEvent(s.subscribe, () => true, { timeoutMs: 1000, signal: ac.signal });
    ac.abort();
    expect(isHotlineError(await p.catch((e: unknown) => e), 'CALL_ENDED')).toBe(true);
    expect(s.em.listenerCount('e')).toBe(0);
  });

  it('rejects at once if the call already ended', async () => {
    const s = source();
    const err = await waitForEvent(s.subscribe, () => true, {
      timeoutMs: 1000,
      signal: AbortSignal.abort(),
    }).catch((e: unknown) => e);
    expect(isHotlineError(err, 'CALL_ENDED')).toBe(true);
    expect(s.em.listenerCount('e')).toBe(0);
  });
});

describe('withDeadline and sleep', () => {
  it('turns a slow job into WAIT_TIMEOUT and aborts it', async () => {
    let aborted = false;
    const err = await withDeadline('job', { timeoutMs: 20 }, (signal) => {
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () => ((aborted = true), reject(new Error('x')))),
      );
    }).catch((e: unknown) => e);
    expect(isHotlineError(err, 'WAIT_TIMEOUT')).toBe(true);
    expect(aborted).toBe(true);
  });

  it('reports CALL_ENDED when the caller’s signal fires', async () => {
    const ac = new AbortController();
    const p = withDeadline(
      'job',
      { timeoutMs: 1000, signal: ac.signal },
      (signal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('x')))),
    );
    ac.abort();
    expect(isHotlineError(await p.catch((e: unknown) => e), 'CALL_ENDED')).toBe(true);
  });

  it('passes other errors through', async () => {
    const err = await withDeadline('job', { timeoutMs: 1000 }, () =>
      Promise.reject(new Error('boom')),
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe('boom');
  });

  it('sleep ends early on abort', async () => {
    const ac = new AbortController();
    const p = sleep(10_000, ac.signal);
    ac.abort();
    expect(isHotlineError(await p.catch((e: unknown) => e), 'CALL_ENDED')).toBe(true);
  });
});

describe('Backoff', () => {
  it('grows to its cap with jitter in [cap/2, cap], and resets', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 1 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    b.reset();
    expect(b.next()).toBe(100);
    const low = new Backoff({ initialMs: 100, maxMs: 1000, random: () => 0 });
    expect(low.next()).toBe(50);
  });
});
