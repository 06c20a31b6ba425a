import { describe, expect, it } from 'vitest';
import { hasControl, printable, terminalJson } from './text.js';

describe('control characters', () => {
  it('are found: every C0, DEL and C1, and nothing else', () => {
    for (let c = 0; c < 0x20; c++) expect(hasControl(`a${String.fromCharCode(c)}b`)).toBe(true);
    for (let c = 0x7f; c <= 0x9f; c++) expect(hasControl(String.fromCharCode(c))).toBe(true);
    for (const ok of ['Zhang Wei', '张伟', 'Ängel', 'O’Brien (senior)', '🙂', '\u00a0x'])
      expect(hasControl(ok)).toBe(false);
  });

  it('never reach a terminal', () => {
    expect(printable('a\u0000b\u001b[2Jc\u009bd\n')).toBe('a\\x00b\\x1b[2Jc\\x9bd\\x0a');
    expect(printable('张伟 🙂')).toBe('张伟 🙂');
    const json = terminalJson({ name: 'x\u001b\u007f\u009by' });
    expect(json).toBe('{"name":"x\\u001b\\u007f\\u009by"}');
    expect(JSON.parse(json)).toEqual({ name: 'x\u001b\u007f\u009by' });
  });
});
