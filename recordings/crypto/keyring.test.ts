import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { callerHash, Keyring } from './keyring.js';

const k = (): string => randomBytes(32).toString('base64');

function code(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return isHotlineError(err) ? err.code : `untyped: ${String(err)}`;
  }
}

describe('keyring', () => {
  const a = k();
  const b = k();

  it('wraps a data key under the current master key and opens it again', () => {
    const ring = new Keyring({ current: 'a', keys: { a } });
    const dk = Keyring.dataKey();
    const wrapped = ring.wrap(dk, 'rec-1');
    expect(wrapped).toMatch(/^k1:a:[A-Za-z0-9_-]+$/);
    expect(ring.unwrap(wrapped, 'rec-1').equals(dk)).toBe(true);
  });

  it('binds the wrapped key to its recording id', () => {
    const ring = new Keyring({ current: 'a', keys: { a } });
    const wrapped = ring.wrap(Keyring.dataKey(), 'rec-1');
    expect(code(() => ring.unwrap(wrapped, 'rec-2'))).toBe('RECORDING_KEY_MISMATCH');
  });

  it('rotates: a key wrapped under a is rewrapped under b, opens with b alone, same data key', () => {
    const old = new Keyring({ current: 'a', keys: { a } });
    const dk = Keyring.dataKey();
    const wrapped = old.wrap(dk, 'r');
    const both = new Keyring({ current: 'b', keys: { a, b } });
    const rewrapped = both.rewrap(wrapped, 'r');
    expect(both.keyIdOf(rewrapped)).toBe('b');
    expect(both.rewrap(rewrapped, 'r')).toBe(rewrapped);
    expect(new Keyring({ current: 'b', keys: { b } }).unwrap(rewrapped, 'r').equals(dk)).toBe(true);
  });

  it('names a missing master key and a wrong one with their own codes', () => {
    const wrapped = new Keyring({ current: 'a', keys: { a } }).wrap(Keyring.dataKey(), 'r');
    expect(code(() => new Keyring({ current: 'b', keys: { b } }).unwrap(wrapped, 'r'))).toBe(
      'RECORDING_KEY_MISSING',
    );
    expect(code(() => new Keyring({ current: 'a', keys: { a: b } }).unwrap(wrapped, 'r'))).toBe(
      'RECORDING_KEY_MISMATCH',
    );
    expect(code(() => new Keyring({ current: 'a', keys: { a } }).unwrap('garbage', 'r'))).toBe(
      'RECORDING_KEY_MISSING',
    );
  });

  it('refuses a bad configuration', () => {
    expect(code(() => new Keyring({ current: 'a', keys: { a: 'c2hvcnQ=' } }))).toBe(
      'CONFIG_INVALID',
    );
    expect(code(() => new Keyring({ current: 'z', keys: { a } }))).toBe('CONFIG_INVALID');
  });

  it('hashes caller numbers with a secret, ignoring punctuation', () => {
    expect(callerHash('s', '+86 138-0013-8000')).toBe(callerHash('s', '+8613800138000'));
    expect(callerHash('s', '13800138000')).not.toBe(callerHash('t', '13800138000'));
    expect(callerHash('s', '13800138000')).toMatch(/^[0-9a-f]{64}$/);
  });
});
