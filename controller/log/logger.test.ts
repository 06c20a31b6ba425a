import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, safeUrl } from './logger.js';

/** A logger writing into memory, for what a line holds. */
function capture(level: 'info' | 'debug'): {
  lines: string[];
  log: ReturnType<typeof createLogger>;
} {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, log: createLogger({ level, name: 't' }, sink) };
}

describe('logger', () => {
  it('redacts secrets wherever they sit', () => {
    const { lines, log } = capture('info');
    log.info(
      {
        password: 'p1',
        server: { password: 'p2', apiKey: 'k1' },
        headers: { authorization: 'Bearer x' },
      },
      'hello',
    );
    const text = lines.join('');
    for (const secret of ['p1', 'p2', 'k1', 'Bearer x']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('logs { err } with type, message and stack, still redacting what the error carries', () => {
    const { lines, log } = capture('info');
    const err = Object.assign(new RangeError('boom'), {
      password: 'p3',
      options: { secret: 's3' },
    });
    log.warn({ err }, 'failed');
    const line = JSON.parse(lines[0] ?? '{}') as {
      err: { type: string; message: string; stack: string };
    };
    expect(line.err.type).toBe('RangeError');
    expect(line.err.message).toBe('boom');
    expect(line.err.stack).toContain('RangeError: boom');
    for (const secret of ['p3', 's3']) expect(lines[0]).not.toContain(secret);
  });

  it('keeps the arguments of a failed Redis command out of the log (passwords, caller numbers)', () => {
    const { lines, log } = capture('debug');
    // The shapes ioredis gives its errors: the command on a reply error, earlier ones on EXECABORT.
    const auth = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
      command: { name: 'auth', args: ['default', 'redis-pw-1'] },
    });
    const exec = Object.assign(new Error('EXECABORT'), {
      previousErrors: [
        Object.assign(new Error('ERR'), {
          command: { name: 'hget', args: ['hl:history:13812345678', 'agent'] },
        }),
      ],
    });
    log.debug({ err: auth }, 'redis error');
    log.warn({ err: exec }, 'failed');
    log.warn({ err: new AggregateError([auth], 'several') }, 'failed');
    const text = lines.join('');
    for (const secret of ['redis-pw-1', '13812345678']) expect(text).not.toContain(secret);
    expect(text).toContain('"name":"auth"');
    expect(text).toContain('WRONGPASS');
  });

  it('strips passwords from URLs', () => {
    expect(safeUrl('redis://user:secret@127.0.0.1:6379/0')).toBe(
      'redis://user:xxx@127.0.0.1:6379/0',
    );
    expect(safeUrl('not a url')).toBe('[unparseable url]');
  });
});
