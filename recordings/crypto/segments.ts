import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import { HotlineError } from '../../lib/errors.js';

/**
 * The encrypted object format: a 16-byte header (magic "HLR1", segment size, nonce prefix), then
 * the audio in segments of SEGMENT bytes, each sealed with AES-256-GCM (16-byte tag). The nonce is
 * the prefix and the segment number; the last segment is marked in its additional data, so a
 * truncated object fails to open instead of playing short. Segments let a byte range be decrypted
 * without reading the whole recording.
 */
export const SEGMENT = 64 * 1024;
const MAGIC = Buffer.from('HLR1');
export const HEADER_BYTES = 16;
const TAG = 16;

function header(segment: number, prefix: Buffer): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h, 0);
  h.writeUInt32BE(segment, 4);
  prefix.copy(h, 8);
  return h;
}

function nonce(prefix: Buffer, index: number): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(index, 8);
  return n;
}

function aad(head: Buffer, last: boolean): Buffer {
  return Buffer.concat([head, Buffer.from([last ? 1 : 0])]);
}

/** Bytes the encrypted object takes for `plain` bytes of audio. */
export function encryptedSize(plain: number, segment = SEGMENT): number {
  const segments = Math.max(1, Math.ceil(plain / segment));
  return HEADER_BYTES + plain + segments * TAG;
}

export function encryptStream(key: Buffer, segment = SEGMENT): Transform {
  const prefix = randomBytes(8);
  const head = header(segment, prefix);
  let index = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const seal = (plain: Buffer, last: boolean): Buffer => {
    const c = createCipheriv('aes-256-gcm', key, nonce(prefix, index++));
    c.setAAD(aad(head, last));
    return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
  };
  return new Transform({
    construct(cb) {
      this.push(head);
      cb();
    },
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      // Keep at least one byte back: the last segment is only known at the end.
      if (pendingBytes > segment) {
        let all = Buffer.concat(pending);
        while (all.length > segment) {
          this.push(seal(all.subarray(0, segment), false));
          all = all.subarray(segment);
        }
        pending = [all];
        pendingBytes = all.length;
      }
      cb();
    },
    flush(cb) {
      this.push(seal(Buffer.concat(pending), true));
      cb();
    },
  });
}

function corrupt(what: string, cause?: unknown): HotlineError {
  return new HotlineError(
    'RECORDING_CORRUPT',
    `[recordings] encrypted audio ${what}`,
    cause === undefined ? {} : { cause },
  );
}

/**
 * Opens an encrypted object, or a run of whole segments from `firstIndex` on when the header was
 * read separately: every segment's tag is checked, and the stream fails unless it ends with the
 * marked last segment (or, for a run, with the segment it was asked to end on).
 */
export function decryptStream(
  key: Buffer,
  run?: { head: Buffer; firstIndex: number; endsWithLast: boolean },
): Transform {
  let head = run?.head;
  let segment = head ? head.readUInt32BE(4) : 0;
  let index = run?.firstIndex ?? 0;
  let buf: Buffer = Buffer.alloc(0);
  const open = (sealed: Buffer, last: boolean): Buffer => {
    const h = head as Buffer;
    const d = createDecipheriv('aes-256-gcm', key, nonce(h.subarray(8, 16), index));
    d.setAAD(aad(h, last));
    d.setAuthTag(sealed.subarray(sealed.length - TAG));
    const plain = Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG)), d.final()]);
    index++;
    return plain;
  };
  const fail = (err: unknown): HotlineError =>
    err instanceof HotlineError
      ? err
      : corrupt('failed its integrity check (wrong key or damaged)', err);
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      try {
        buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
        if (!head) {
          if (buf.length < HEADER_BYTES) return cb();
          head = buf.subarray(0, HEADER_BYTES);
          if (!head.subarray(0, 4).equals(MAGIC)) throw corrupt('has no HLR1 header');
          segment = head.readUInt32BE(4);
          if (segment < 1024 || segment > 16 * 1024 * 1024)
            throw corrupt('has an impossible segment size');
          buf = buf.subarray(HEADER_BYTES);
        }
        // A full segment with more bytes after it cannot be the last one.
        while (buf.length > segment + TAG) {
          this.push(open(buf.subarray(0, segment + TAG), false));
          buf = buf.subarray(segment + TAG);
        }
        cb();
      } catch (err) {
        cb(fail(err));
      }
    },
    flush(cb) {
      try {
        if (!head) throw corrupt('is shorter than its header');
        if (buf.length < TAG) throw corrupt('is truncated');
        this.push(open(buf, run ? run.endsWithLast : true));
        cb();
      } catch (err) {
        cb(fail(err));
      }
    },
  });
}

/** A byte range of the plain audio, read by fetching only the segments that hold it. */
export async function decryptRange(
  get: (range: { start: number; end: number }) => Promise<Readable>,
  key: Buffer,
  plainSize: number,
  range: { start: number; end: number },
): Promise<Readable> {
  const head = await readAll(await get({ start: 0, end: HEADER_BYTES - 1 }));
  if (head.length !== HEADER_BYTES || !head.subarray(0, 4).equals(MAGIC))
    throw corrupt('has no HLR1 header');
  const segment = head.readUInt32BE(4);
  const segments = Math.max(1, Math.ceil(plainSize / segment));
  const first = Math.floor(range.start / segment);
  const last = Math.floor(range.end / segment);
  const encStart = HEADER_BYTES + first * (segment + TAG);
  const encEnd =
    Math.min(HEADER_BYTES + (last + 1) * (segment + TAG), encryptedSize(plainSize, segment)) - 1;
  const source = await get({ start: encStart, end: encEnd });
  const out = sliceStream(range.start - first * segment, range.end - range.start + 1);
  pipeline(
    source,
    decryptStream(key, { head, firstIndex: first, endsWithLast: last === segments - 1 }),
    out,
    () => undefined,
  );
  return out;
}

/** Passes `take` bytes after skipping `skip`. */
function sliceStream(skip: number, take: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const from = Math.max(0, skip - seen);
      const to = Math.min(chunk.length, skip + take - seen);
      seen += chunk.length;
      if (to > from) this.push(chunk.subarray(from, to));
      cb();
    },
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
