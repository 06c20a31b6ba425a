import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { memoryStorage } from '../storage/memory.js';
import {
  decryptRange,
  decryptStream,
  encryptedSize,
  encryptStream,
  HEADER_BYTES,
  SEGMENT,
} from './segments.js';

async function seal(key: Buffer, plain: Buffer, chunk = 10_000): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < plain.length; i += chunk) parts.push(plain.subarray(i, i + chunk));
  return buffer(Readable.from(parts).pipe(encryptStream(key)));
}

async function open(key: Buffer, sealed: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    Readable.from([sealed]),
    decryptStream(key),
    async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) out.push(c);
    },
  );
  return Buffer.concat(out);
}

async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return isHotlineError(err) ? err.code : `untyped: ${String(err)}`;
  }
}

describe('segmented AES-256-GCM', () => {
  const key = randomBytes(32);

  it.each([0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT, 200_001])(
    'round-trips %i bytes with the predicted size',
    async (n) => {
      const plain = randomBytes(n);
      const sealed = await seal(key, plain);
      expect(sealed.length).toBe(encryptedSize(n));
      expect((await open(key, sealed)).equals(plain)).toBe(true);
    },
  );

  it('never writes the same ciphertext twice for the same audio (fresh nonce per object)', async () => {
    const plain = randomBytes(1000);
    expect((await seal(key, plain)).equals(await seal(key, plain))).toBe(false);
  });

  it('fails with RECORDING_CORRUPT on a wrong key, a flipped bit, truncation or extension', async () => {
    const plain = randomBytes(3 * SEGMENT + 5);
    const sealed = await seal(key, plain);
    expect(await errorCode(open(randomBytes(32), sealed))).toBe('RECORDING_CORRUPT');
    const flipped = Buffer.from(sealed);
    flipped[HEADER_BYTES + SEGMENT + 100] = (flipped[HEADER_BYTES + SEGMENT + 100] ?? 0) ^ 1;
    expect(await errorCode(open(key, flipped))).toBe('RECORDING_CORRUPT');
    // Cut at a segment boundary: every remaining tag is valid, but the end is not marked last.
    expect(await errorCode(open(key, sealed.subarray(0, HEADER_BYTES + 2 * (SEGMENT + 16))))).toBe(
      'RECORDING_CORRUPT',
    );
    expect(await errorCode(open(key, Buffer.concat([sealed, Buffer.from('x')])))).toBe(
      'RECORDING_CORRUPT',
    );
    expect(await errorCode(open(key, Buffer.from('RIFF not ours at all')))).toBe(
      'RECORDING_CORRUPT',
    );
  });

  it('decrypts any byte range from only the segments that hold it', async () => {
    const plain = randomBytes(5 * SEGMENT + 777);
    const store = memoryStorage();
    await store.put('x', await seal(key, plain));
    const reads: string[] = [];
    const get = async (r: { start: number; end: number }): Promise<Readable> => {
      reads.push(`${r.start}-${r.end}`);
      return store.get('x', r);
    };
    for (const [s, e] of [
      [0, 0],
      [0, plain.length - 1],
      [SEGMENT - 3, SEGMENT + 3],
      [2 * SEGMENT + 10, 2 * SEGMENT + 20],
      [plain.length - 100, plain.length - 1],
      [5 * SEGMENT, 5 * SEGMENT],
    ] as const) {
      const got = await buffer(await decryptRange(get, key, plain.length, { start: s, end: e }));
      expect(got.equals(plain.subarray(s, e + 1)), `${s}-${e}`).toBe(true);
    }
    // The small middle range read the header and one segment, not the recording.
    expect(reads[7]).toBe(
      `${HEADER_BYTES + 2 * (SEGMENT + 16)}-${HEADER_BYTES + 3 * (SEGMENT + 16) - 1}`,
    );
  });
});
