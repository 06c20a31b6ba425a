import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, safeUrl } from './logger.js';

describe('logger', () => {
  it('redacts secrets wherever they sit', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createLogger({ level: 'info', name: 't' }, sink);
    log.info({ password: 'p1', server: { password: 'p2', apiKey: 'k1' }, headers: { authorization: 'Bearer x' } }, 'hello');
    const text = lines.join('');
    for (const secret of ['p1', 'p2', 'k1', 'Bearer x']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('strips passwords from URLs', () => {
    expect(safeUrl('redis://user:secret@127.0.0.1:6379/0')).toBe('redis://user:xxx@127.0.0.1:6379/0');
    expect(safeUrl('not a url')).toBe('[unparseable url]');
  });
});
