import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import type { StorageDriver } from '../../recordings/storage/types.js';

/**
 * The storage-driver contract. Every driver runs this same suite: memory (the reference), the
 * folder driver behind the hot and warm tiers, and S3 against a local S3-compatible server.
 */
export interface StorageHarness {
  driver: StorageDriver;
  close(): Promise<void>;
}

export interface StorageContractOptions {
  /** A size that crosses the driver's internal part or chunk size (multipart on S3). */
  largeBytes?: number;
}

async function read(
  driver: StorageDriver,
  key: string,
  range?: { start: number; end?: number },
): Promise<Buffer> {
  return buffer(await driver.get(key, range));
}

async function keys(driver: StorageDriver, prefix?: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of driver.list(prefix)) out.push(o.key);
  return out;
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return isHotlineError(err) ? err.code : `untyped: ${String(err)}`;
  }
}

/** A stream that yields some bytes, then fails: a source that breaks half way through a copy. */
function brokenStream(bytes: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(bytes);
        return;
      }
      setImmediate(() => this.destroy(new Error('source broke')));
    },
  });
}

export function testStorageDriver(
  label: string,
  setup: () => Promise<StorageHarness>,
  options: StorageContractOptions = {},
): void {
  describe(`storage contract: ${label}`, () => {
    let h: StorageHarness;
    beforeAll(async () => {
      h = await setup();
    }, 60_000);
    afterAll(async () => {
      await h?.close();
    });

    it('stores a buffer and gives back the same bytes, with head and size', async () => {
      const data = randomBytes(4096);
      const info = await h.driver.put('a/one.bin', data);
      expect(info).toMatchObject({ key: 'a/one.bin', size: 4096 });
      expect((await read(h.driver, 'a/one.bin')).equals(data)).toBe(true);
      const head = await h.driver.head('a/one.bin');
      expect(head?.size).toBe(4096);
      expect(head?.modifiedAt).toBeInstanceOf(Date);
    });

    it('stores a stream larger than its part size, bit-exact', async () => {
      const size = options.largeBytes ?? 3 * 1024 * 1024 + 17;
      const data = randomBytes(size);
      const chunks: Buffer[] = [];
      for (let i = 0; i < size; i += 65_536) chunks.push(data.subarray(i, i + 65_536));
      const info = await h.driver.put('big/stream.bin', Readable.from(chunks));
      expect(info.size).toBe(size);
      expect((await read(h.driver, 'big/stream.bin')).equals(data)).toBe(true);
    }, 60_000);

    it('serves byte ranges: middle, open-ended, last byte, whole', async () => {
      const data = randomBytes(1000);
      await h.driver.put('r/range.bin', data);
      expect(
        (await read(h.driver, 'r/range.bin', { start: 100, end: 199 })).equals(
          data.subarray(100, 200),
        ),
      ).toBe(true);
      expect((await read(h.driver, 'r/range.bin', { start: 900 })).equals(data.subarray(900))).toBe(
        true,
      );
      expect(
        (await read(h.driver, 'r/range.bin', { start: 999, end: 999 })).equals(data.subarray(999)),
      ).toBe(true);
      expect((await read(h.driver, 'r/range.bin', { start: 0, end: 5000 })).equals(data)).toBe(
        true,
      );
    });

    it('refuses a range outside the object with a typed error', async () => {
      await h.driver.put('r/small.bin', Buffer.from('hello'));
      expect(await code(h.driver.get('r/small.bin', { start: 10 }))).toBe(
        'RECORDING_RANGE_INVALID',
      );
      expect(await code(h.driver.get('r/small.bin', { start: 3, end: 1 }))).toBe(
        'RECORDING_RANGE_INVALID',
      );
    });

    it('stores an empty object', async () => {
      await h.driver.put('e/empty.bin', Buffer.alloc(0));
      expect((await h.driver.head('e/empty.bin'))?.size).toBe(0);
      expect((await read(h.driver, 'e/empty.bin')).length).toBe(0);
    });

    it('overwrites an object whole', async () => {
      await h.driver.put('o/over.bin', Buffer.from('first version, longer'));
      await h.driver.put('o/over.bin', Buffer.from('second'));
      expect((await read(h.driver, 'o/over.bin')).toString()).toBe('second');
    });

    it('answers a missing object with STORAGE_NOT_FOUND and head with undefined', async () => {
      expect(await code(h.driver.get('missing/none.bin'))).toBe('STORAGE_NOT_FOUND');
      expect(await h.driver.head('missing/none.bin')).toBeUndefined();
    });

    it('deletes idempotently', async () => {
      await h.driver.put('d/gone.bin', Buffer.from('x'));
      await h.driver.delete('d/gone.bin');
      await h.driver.delete('d/gone.bin');
      expect(await h.driver.head('d/gone.bin')).toBeUndefined();
    });

    it('lists under a prefix in key order, with sizes', async () => {
      await h.driver.put('l/b.bin', Buffer.from('bb'));
      await h.driver.put('l/a.bin', Buffer.from('a'));
      await h.driver.put('l/sub/c.bin', Buffer.from('ccc'));
      await h.driver.put('lx/other.bin', Buffer.from('o'));
      expect(await keys(h.driver, 'l/')).toEqual(['l/a.bin', 'l/b.bin', 'l/sub/c.bin']);
      const sizes: number[] = [];
      for await (const o of h.driver.list('l/')) sizes.push(o.size);
      expect(sizes).toEqual([1, 2, 3]);
      expect(await keys(h.driver)).toEqual(
        expect.arrayContaining(['l/a.bin', 'lx/other.bin', 'a/one.bin']),
      );
    });

    it('leaves no torn object when the source breaks half way', async () => {
      await expect(h.driver.put('t/torn.bin', brokenStream(randomBytes(70_000)))).rejects.toThrow();
      expect(await h.driver.head('t/torn.bin')).toBeUndefined();
      expect(await keys(h.driver, 't/')).toEqual([]);
      // And an existing object survives a failed overwrite.
      await h.driver.put('t/kept.bin', Buffer.from('kept'));
      await expect(h.driver.put('t/kept.bin', brokenStream(randomBytes(70_000)))).rejects.toThrow();
      expect((await read(h.driver, 't/kept.bin')).toString()).toBe('kept');
    });

    it('refuses keys that could escape the store, with STORAGE_KEY_INVALID', async () => {
      for (const bad of [
        '../etc/passwd',
        'a/../../b',
        '/abs',
        'a//b',
        'sp ace',
        '',
        'a/./b',
        'x\0y',
      ]) {
        expect(await code(h.driver.put(bad, Buffer.from('x'))), bad).toBe('STORAGE_KEY_INVALID');
        expect(await code(h.driver.get(bad)), bad).toBe('STORAGE_KEY_INVALID');
      }
    });
  });
}
