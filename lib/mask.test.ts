import { describe, expect, it } from 'vitest';
import { maskNumber } from './mask.js';

describe('maskNumber', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['+8613812345678', '+861******5678'],
    ['02112345678', '021****5678'],
    ['4008001234', '400***1234'],
    ['12345', '***45'],
    ['12', '**'],
    ['', ''],
    [undefined, ''],
  ])('%s -> %s', (input, out) => {
    expect(maskNumber(input)).toBe(out);
  });
});
