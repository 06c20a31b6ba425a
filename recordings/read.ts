import type { Readable } from 'node:stream';
import type { RecordingEntry } from './catalogue/entry.js';
import { decryptRange, decryptStream } from './crypto/segments.js';
import type { RecordingsDeps } from './deps.js';
import { resolveRange, type ByteRange } from './storage/types.js';
import { through } from './util/through.js';

/**
 * The plain audio of a recording's current copy (or a byte range of it), decrypted as it streams.
 * A wrong master key fails before any byte is read; damaged audio fails the stream.
 */
export async function openCopy(
  deps: Pick<RecordingsDeps, 'tiers' | 'keyring'>,
  entry: RecordingEntry,
  range?: ByteRange,
): Promise<Readable> {
  const key = deps.keyring.unwrap(entry.dataKey, entry.id);
  const store = deps.tiers[entry.tier];
  if (!range) return through(await store.get(entry.key), decryptStream(key));
  const r = resolveRange(entry.tier, entry.id, entry.size, range);
  return decryptRange((part) => store.get(entry.key, part), key, entry.size, r);
}

export function contentType(entry: Pick<RecordingEntry, 'format'>): string {
  return entry.format === 'wav' ? 'audio/wav' : 'audio/ogg; codecs=opus';
}
