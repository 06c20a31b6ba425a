import type { Readable } from 'node:stream';
import { HotlineError } from '../../lib/errors.js';

/**
 * One streaming interface for every place a recording can live (hot folder, warm volume, cold
 * object store). Drivers are factories `(options) => StorageDriver`; every driver passes the one
 * contract suite in `contract.ts`.
 */
export interface ObjectInfo {
  key: string;
  /** Bytes stored. */
  size: number;
  modifiedAt: Date;
}

/** Inclusive byte range, as in HTTP `Range: bytes=start-end`; no end: to the end of the object. */
export interface ByteRange {
  start: number;
  end?: number | undefined;
}

export interface PutOptions {
  signal?: AbortSignal | undefined;
}

export interface StorageDriver {
  /** The tier or purpose this instance serves ('hot', 'warm', 'cold'): it names errors and logs. */
  readonly name: string;
  /** The implementation ('folder', 's3', 'memory'). */
  readonly kind: string;
  /**
   * Stores a whole object. Readers never see a partial object: a put that fails or is cut short
   * leaves either the previous object or none, never a torn one.
   */
  put(key: string, body: Readable | Buffer, opts?: PutOptions): Promise<ObjectInfo>;
  /** The object's bytes (or a range of them). Missing: STORAGE_NOT_FOUND. */
  get(key: string, range?: ByteRange): Promise<Readable>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Idempotent: deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Every object under the prefix, in key order. */
  list(prefix?: string): AsyncIterable<ObjectInfo>;
  /** Releases clients and handles. */
  close?(): Promise<void>;
}

/** Keys are relative paths of safe characters, never escaping the store's root. */
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*(\/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$/;

export function checkKey(driver: string, key: string): void {
  if (
    key.length > 512 ||
    !KEY.test(key) ||
    key.split('/').some((part) => part === '..' || part === '.')
  ) {
    throw new HotlineError(
      'STORAGE_KEY_INVALID',
      `[recordings] [${driver}] invalid key ${JSON.stringify(key.slice(0, 80))}`,
    );
  }
}

/** A range checked against an object's size: the inclusive end, clipped. */
export function resolveRange(
  driver: string,
  key: string,
  size: number,
  range: ByteRange | undefined,
): { start: number; end: number } {
  if (!range) return { start: 0, end: size - 1 };
  const end = Math.min(range.end ?? size - 1, size - 1);
  if (
    !Number.isInteger(range.start) ||
    range.start < 0 ||
    range.start > end ||
    (range.end !== undefined && range.end < range.start)
  ) {
    throw new HotlineError(
      'RECORDING_RANGE_INVALID',
      `[recordings] [${driver}] range ${range.start}-${range.end ?? ''} outside ${key} (${size} bytes)`,
      {
        details: { size },
      },
    );
  }
  return { start: range.start, end };
}

export function notFound(driver: string, key: string): HotlineError {
  return new HotlineError('STORAGE_NOT_FOUND', `[recordings] [${driver}] ${key} not found`, {
    details: { key },
  });
}
