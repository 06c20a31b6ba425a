import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../../../lib/errors.js';
import { CAPTURES, captured } from '../../../test/freeswitch/fixtures.js';
import { EslReader, type EslMessage } from './reader.js';

function readAll(chunks: Buffer[]): EslMessage[] {
  const out: EslMessage[] = [];
  const reader = new EslReader((m) => out.push(m));
  for (const c of chunks) reader.push(c);
  return out;
}

/** A seeded generator, so a failing split can be replayed from the seed in the message. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cuts bytes at random places: single bytes, a few bytes, whole frames and several frames at once. */
function split(bytes: Buffer, rnd: () => number): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const r = rnd();
    const len =
      r < 0.3
        ? 1 + Math.floor(rnd() * 4)
        : r < 0.8
          ? 1 + Math.floor(rnd() * 200)
          : 1 + Math.floor(rnd() * 20_000);
    parts.push(bytes.subarray(at, at + len));
    at += len;
  }
  return parts;
}

describe('ESL reader on sessions captured from FreeSWITCH 1.10.12', () => {
  it('reads the captured frames: replies, api responses, plain and json events, BACKGROUND_JOB bodies, notices', () => {
    const b = readAll([captured('esl-b-events-plain')]);
    const types = b.map((m) => m.contentType);
    expect(types[0]).toBe('auth/request');
    expect(b[1]?.headers['Reply-Text']).toBe('+OK accepted');
    expect(types.at(-1)).toBe('text/disconnect-notice');
    const names = b
      .filter((m) => m.contentType === 'text/event-plain')
      .map((m) => m.headers['Event-Name']);
    expect(names).toContain('CHANNEL_PARK');
    expect(names).toContain('DTMF');
    const dtmf = b
      .filter((m) => m.headers['Event-Name'] === 'DTMF')
      .map((m) => m.headers['DTMF-Digit']);
    expect(dtmf).toEqual(['1', '#']);
    const job = b.find((m) => m.headers['Event-Name'] === 'BACKGROUND_JOB');
    expect(job?.body).toBe('+OK Success\n');
    expect(job?.headers['Job-Command-Arg']).toMatch(/ start \/tmp\/x\.wav$/);
    const status = b.find(
      (m) => m.contentType === 'api/response' && m.body.includes('row_count":1'),
    );
    expect(JSON.parse(status!.body)).toMatchObject({ row_count: 1 });

    const c = readAll([captured('esl-c-events-json')]);
    const jsonJob = c.find(
      (m) => m.contentType === 'text/event-json' && m.headers['Event-Name'] === 'BACKGROUND_JOB',
    );
    expect(jsonJob?.body).toBe('+OK Success\n');
    expect(
      c.filter((m) => m.contentType === 'text/event-json').map((m) => m.headers['Event-Name']),
    ).toEqual(
      b.filter((m) => m.contentType === 'text/event-plain').map((m) => m.headers['Event-Name']),
    );

    const wrong = readAll([captured('esl-a-wrong-password')]);
    expect(wrong.map((m) => m.headers['Reply-Text'] ?? m.contentType)).toEqual([
      'auth/request',
      '-ERR invalid',
      'text/disconnect-notice',
    ]);
    expect(wrong[2]?.body).toBe(
      'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n',
    );
  });

  it('gives the same messages however the bytes are split or joined (200 random splits per capture)', () => {
    for (const name of CAPTURES) {
      const bytes = captured(name);
      const whole = readAll([bytes]);
      expect(whole.length, name).toBeGreaterThan(1);
      for (let seed = 1; seed <= 200; seed++) {
        const parts = split(bytes, random(seed));
        expect(readAll(parts), `${name} seed ${seed}`).toEqual(whole);
      }
      // One byte at a time, and all sessions joined into one packet.
      expect(readAll([...bytes].map((x) => Buffer.from([x]))), name).toEqual(whole);
    }
    const all = Buffer.concat(CAPTURES.map(captured));
    expect(readAll([all])).toEqual(CAPTURES.flatMap((n) => readAll([captured(n)])));
    // CPU-bound (about 1,800 full reads): over vitest's 5 s default on a busy 2-core machine.
  }, 60_000);
});

describe('ESL reader on broken input', () => {
  it('a body larger than a packet waits for the rest; unknown content types pass through', () => {
    const body = 'x'.repeat(100_000);
    const frame = Buffer.from(
      `Content-Type: text/x-unknown\nContent-Length: ${body.length}\n\n${body}Content-Type: command/reply\nReply-Text: +OK\n\n`,
    );
    const out = readAll([
      frame.subarray(0, 30),
      frame.subarray(30, 70_000),
      frame.subarray(70_000),
    ]);
    expect(out.map((m) => [m.contentType, m.body.length])).toEqual([
      ['text/x-unknown', 100_000],
      ['command/reply', 0],
    ]);
  });

  it('a stray % in a header is a typed protocol error, not an exception out of the socket', () => {
    const reader = new EslReader(() => undefined);
    let err: unknown;
    try {
      reader.push(Buffer.from('Content-Type: command/reply\nReply-Text: -ERR 100% wrong\n\n'));
    } catch (e) {
      err = e;
    }
    expect(isHotlineError(err, 'MEDIA_PROTOCOL')).toBe(true);
    // And it stays broken: the connection is dropped and made again, never read half-way.
    expect(() => reader.push(Buffer.from('\n'))).toThrow();
  });

  it('refuses a frame that announces more than the limit', () => {
    const reader = new EslReader(() => undefined, 1024);
    expect(() =>
      reader.push(Buffer.from('Content-Type: api/response\nContent-Length: 5000000\n\nabc')),
    ).toThrow(/larger than 1024/);
  });

  it('an event-json body that is not JSON is a protocol error', () => {
    const reader = new EslReader(() => undefined);
    expect(() =>
      reader.push(Buffer.from('Content-Length: 5\nContent-Type: text/event-json\n\n{oops')),
    ).toThrow(/unreadable/);
  });
});
