import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { ignored } from './settle.js';

describe('ignored', () => {
  it('settles the promise with undefined and logs the reason at debug', async () => {
    const debug = vi.fn();
    const err = new Error('channel gone');
    await expect(
      Promise.reject(err).catch(ignored({ debug }, 'hanging up the agent leg')),
    ).resolves.toBeUndefined();
    expect(debug).toHaveBeenCalledTimes(1);
    expect(debug).toHaveBeenCalledWith({ err }, 'ignored a failure while hanging up the agent leg');
  });

  it('only swallows when there is no logger', async () => {
    await expect(
      Promise.reject(new Error('x')).catch(ignored(undefined, 'anything')),
    ).resolves.toBeUndefined();
  });

  it('keeps type, message and stack in a pino line', async () => {
    const lines: string[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ level: 'debug' }, out);
    await Promise.reject(new TypeError('bad')).catch(ignored(log, 'parsing'));
    const line = JSON.parse(lines[0] ?? '{}') as {
      level: number;
      msg: string;
      err: { type: string; message: string; stack: string };
    };
    expect(line.level).toBe(20);
    expect(line.msg).toBe('ignored a failure while parsing');
    expect(line.err.type).toBe('TypeError');
    expect(line.err.message).toBe('bad');
    expect(line.err.stack).toContain('TypeError: bad');
  });
});
