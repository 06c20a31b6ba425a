import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Logger } from 'pino';
import { HotlineError, isHotlineError } from '../../lib/errors.js';
import { ignored } from '../../lib/settle.js';
import { translateS3Error, type S3ErrorContext } from './s3-errors.js';
import {
  checkKey,
  resolveRange,
  type ByteRange,
  type ObjectInfo,
  type StorageDriver,
} from './types.js';

export interface S3StorageOptions {
  /** The tier this instance serves; names errors. Default 's3'. */
  name?: string;
  /** An S3-compatible server's URL; none: AWS S3 for `region`. */
  endpoint?: string;
  region: string;
  bucket: string;
  /** A folder inside the bucket that holds this store's keys. */
  prefix?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Default: true with a custom `endpoint` (most S3-compatible servers need it), else false. */
  forcePathStyle?: boolean;
  /** 'STANDARD' (default), 'STANDARD_IA', 'GLACIER_IR', ... as the server knows them. */
  storageClass?: string;
  /** Default 8 MiB, at least 5 MiB (the S3 minimum). Bodies above it go up as multipart. */
  partSizeBytes?: number;
  /** Parts in flight per upload (default 4): memory per upload is about queueSize × partSize. */
  queueSize?: number;
  /** Attempts per request, retried with backoff by the SDK (default 4). */
  maxAttempts?: number;
  /** Deadline per request up to the response headers, part upload included (default 60 s). */
  requestTimeoutMs?: number;
  /** For failures that change nothing (debug). */
  log?: Pick<Logger, 'debug'>;
}

const MiB = 1024 * 1024;
const MIN_PART = 5 * MiB;

/** The cold tier: objects in an S3 bucket, streamed both ways. */
export function s3Storage(options: S3StorageOptions): StorageDriver {
  const name = options.name ?? 's3';
  const o = validate(name, options);
  const root = o.prefix;
  const bucket = options.bucket;
  const ctx = (op: string, key?: string): S3ErrorContext => ({
    driver: name,
    bucket,
    op,
    key,
    secrets: [options.accessKeyId, options.secretAccessKey],
  });
  let client: S3Client | undefined;
  let bucketChecked: Promise<S3Client> | undefined;
  let closed = false;

  function ready(): Promise<S3Client> {
    if (closed)
      return Promise.reject(
        new HotlineError('STORAGE_FAILED', `[recordings] [${name}] used after close`),
      );
    const c = (client ??= new S3Client({
      region: options.region,
      ...(options.endpoint !== undefined && { endpoint: options.endpoint }),
      forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      maxAttempts: o.maxAttempts,
      // The SDK only warns on requestTimeout unless told to throw.
      requestHandler: {
        requestTimeout: o.requestTimeoutMs,
        connectionTimeout: Math.min(o.requestTimeoutMs, 10_000),
        throwOnRequestTimeout: true,
      },
      // SDK default checksums kept: lib-storage sends every part as a Buffer (no aws-chunked body),
      // which s3rver accepts.
    }));
    // Checked once: a HEAD on a key in a missing bucket is a bare 404 that would read as "no such object".
    bucketChecked ??= c.send(new HeadBucketCommand({ Bucket: bucket })).then(
      () => c,
      (err: unknown) => {
        bucketChecked = undefined;
        throw translateS3Error(err, ctx('open bucket'));
      },
    );
    return bucketChecked;
  }

  async function head(key: string): Promise<ObjectInfo | undefined> {
    checkKey(name, key);
    const c = await ready();
    try {
      const out = await c.send(new HeadObjectCommand({ Bucket: bucket, Key: root + key }));
      return { key, size: out.ContentLength ?? 0, modifiedAt: out.LastModified ?? new Date() };
    } catch (err) {
      const e = translateS3Error(err, ctx('head', key));
      if (e.code === 'STORAGE_NOT_FOUND') return undefined;
      throw e;
    }
  }

  return {
    name,
    kind: 's3',
    head,

    async put(key, body, putOpts) {
      checkKey(name, key);
      const signal = putOpts?.signal;
      signal?.throwIfAborted();
      const c = await ready();
      const counter = {
        bytes: Buffer.isBuffer(body) ? body.length : 0,
        sourceError: undefined as Error | undefined,
      };
      const counted = Buffer.isBuffer(body) ? undefined : Readable.from(countBytes(body, counter));
      const upload = new Upload({
        client: c,
        params: {
          Bucket: bucket,
          Key: root + key,
          Body: counted ?? body,
          StorageClass: o.storageClass,
        },
        partSize: o.partSizeBytes,
        queueSize: o.queueSize,
        // A failed multipart upload is aborted, so no parts linger and no object appears.
        leavePartsOnError: false,
      });
      const onAbort = (): void => void upload.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await upload.done();
      } catch (err) {
        counted?.destroy();
        // The caller's own reason or its source's failure explain more than the SDK's echo of them.
        signal?.throwIfAborted();
        if (counter.sourceError !== undefined) throw counter.sourceError;
        throw translateS3Error(err, ctx('put', key));
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
      // The size check stands in for end-to-end checksums, which S3-compatible servers may skip.
      const info = await head(key);
      if (info?.size !== counter.bytes) {
        throw new HotlineError(
          'STORAGE_FAILED',
          `[recordings] [${name}] put ${key}: sent ${counter.bytes} bytes, the server holds ${info?.size ?? 'none'}`,
          {
            details: { key, sent: counter.bytes, stored: info?.size },
          },
        );
      }
      return info;
    },

    async get(key, range) {
      checkKey(name, key);
      if (range) checkRangeShape(name, key, range);
      const c = await ready();
      let out;
      try {
        out = await c.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: root + key,
            Range: range && `bytes=${range.start}-${range.end ?? ''}`,
          }),
        );
      } catch (err) {
        const e = translateS3Error(err, ctx('get', key));
        // Give the range error the object's size, as resolveRange does, for a 416's Content-Range.
        if (range && isHotlineError(e, 'RECORDING_RANGE_INVALID')) {
          const info = await head(key).catch(
            ignored(options.log, 'reading the size of an object for a range error'),
          );
          if (info) resolveRange(name, key, info.size, range);
        }
        throw e;
      }
      const body = out.Body;
      if (!(body instanceof Readable))
        throw new HotlineError(
          'STORAGE_FAILED',
          `[recordings] [${name}] get ${key}: no body stream`,
        );
      if (!range) return body;
      try {
        return fitRange(
          name,
          key,
          body,
          range,
          out.$metadata.httpStatusCode,
          out.ContentRange,
          out.ContentLength,
        );
      } catch (err) {
        body.destroy();
        throw err;
      }
    },

    async delete(key) {
      checkKey(name, key);
      const c = await ready();
      try {
        await c.send(new DeleteObjectCommand({ Bucket: bucket, Key: root + key }));
      } catch (err) {
        const e = translateS3Error(err, ctx('delete', key));
        if (e.code !== 'STORAGE_NOT_FOUND') throw e;
      }
    },

    async *list(prefix = '') {
      const c = await ready();
      let token: string | undefined;
      do {
        let page;
        try {
          page = await c.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: root + prefix,
              ContinuationToken: token,
            }),
          );
        } catch (err) {
          throw translateS3Error(err, ctx('list', prefix));
        }
        for (const item of page.Contents ?? []) {
          const key = item.Key?.slice(root.length) ?? '';
          // Keys this driver could not have written (folder markers, other tools' files) are not ours.
          if (item.Key?.startsWith(root) && isValidKey(name, key)) {
            yield { key, size: item.Size ?? 0, modifiedAt: item.LastModified ?? new Date(0) };
          }
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },

    close() {
      closed = true;
      client?.destroy();
      client = undefined;
      bucketChecked = undefined;
      return Promise.resolve();
    },
  };
}

function validate(name: string, opts: S3StorageOptions) {
  const bad = (why: string): never => {
    throw new HotlineError('CONFIG_INVALID', `[recordings] [${name}] ${why}`);
  };
  if (!opts.bucket) bad('bucket is required');
  if (!opts.region) bad('region is required');
  if (!opts.accessKeyId || !opts.secretAccessKey)
    bad('accessKeyId and secretAccessKey are required');
  if (opts.endpoint !== undefined && !URL.canParse(opts.endpoint))
    bad(`endpoint ${JSON.stringify(opts.endpoint)} is not a URL`);
  const partSizeBytes = opts.partSizeBytes ?? 8 * MiB;
  if (!Number.isInteger(partSizeBytes) || partSizeBytes < MIN_PART)
    bad(`partSizeBytes must be an integer of at least ${MIN_PART}`);
  const positive = (v: number | undefined, dflt: number, what: string): number => {
    const n = v ?? dflt;
    return Number.isInteger(n) && n >= 1 ? n : bad(`${what} must be a positive integer`);
  };
  const prefix = (opts.prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix) checkKey(name, prefix);
  return {
    prefix: prefix ? `${prefix}/` : '',
    partSizeBytes,
    queueSize: positive(opts.queueSize, 4, 'queueSize'),
    maxAttempts: positive(opts.maxAttempts, 4, 'maxAttempts'),
    requestTimeoutMs: positive(opts.requestTimeoutMs, 60_000, 'requestTimeoutMs'),
    // S3-compatible servers define their own classes; the server is the one to refuse a wrong one.
    storageClass: (opts.storageClass ?? 'STANDARD') as StorageClass,
  };
}

function isValidKey(name: string, key: string): boolean {
  try {
    checkKey(name, key);
    return true;
  } catch {
    return false;
  }
}

/** What no object could satisfy is refused before a request, as the memory driver does. */
function checkRangeShape(name: string, key: string, range: ByteRange): void {
  const { start, end } = range;
  if (
    !Number.isInteger(start) ||
    start < 0 ||
    (end !== undefined && (!Number.isInteger(end) || end < start))
  ) {
    throw new HotlineError(
      'RECORDING_RANGE_INVALID',
      `[recordings] [${name}] range ${start}-${end ?? ''} of ${key} is malformed`,
    );
  }
}

/**
 * Checks the server's answer to a Range request against what was asked. A server may send more
 * than asked (s3rver answers `bytes=0-0` with the whole object; HTTP lets a server ignore Range):
 * the surplus is cut here. An empty object has no satisfiable range (s3rver claims `bytes 0-0/0`).
 */
function fitRange(
  name: string,
  key: string,
  body: Readable,
  range: ByteRange,
  status: number | undefined,
  contentRange: string | undefined,
  length: number | undefined,
): Readable {
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(contentRange ?? '');
  const sent = m
    ? { start: Number(m[1]), end: Number(m[2]), size: Number(m[3]) }
    : status === 200 && length !== undefined
      ? { start: 0, end: length - 1, size: length }
      : undefined;
  if (!sent)
    throw new HotlineError(
      'STORAGE_FAILED',
      `[recordings] [${name}] get ${key}: a range answer without Content-Range`,
    );
  const want = resolveRange(name, key, sent.size, range);
  if (sent.start === want.start && sent.end === want.end) return body;
  if (sent.start > want.start || sent.end < want.end) {
    throw new HotlineError(
      'STORAGE_FAILED',
      `[recordings] [${name}] get ${key}: asked bytes ${want.start}-${want.end}, got ${sent.start}-${sent.end}`,
    );
  }
  return Readable.from(slice(body, want.start - sent.start, want.end - want.start + 1));
}

async function* slice(body: Readable, skip: number, length: number): AsyncGenerator<Buffer> {
  let at = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const from = Math.max(0, skip - at);
    const to = Math.min(chunk.length, skip + length - at);
    at += chunk.length;
    if (to > from) yield chunk.subarray(from, to);
    // Leaving the loop destroys the response, so the rest is not downloaded.
    if (at >= skip + length) return;
  }
}

/** Passes the source through, counting bytes and keeping the source's own error. */
async function* countBytes(
  source: Readable,
  counter: { bytes: number; sourceError: Error | undefined },
): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of source as AsyncIterable<unknown>) {
      const buf =
        typeof chunk === 'string'
          ? Buffer.from(chunk)
          : chunk instanceof Uint8Array
            ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
            : undefined;
      if (!buf) throw new TypeError('put: the body stream must yield bytes or strings');
      counter.bytes += buf.length;
      yield buf;
    }
  } catch (err) {
    counter.sourceError = err instanceof Error ? err : new Error(String(err));
    throw err;
  }
}
