import type { Readable } from 'node:stream';
import { HotlineError } from '../lib/errors.js';
import type { RecordingEntry } from './catalogue/entry.js';
import type { RecordingsDeps } from './deps.js';
import { contentType, openCopy } from './read.js';
import { resolveRange, type ByteRange } from './storage/types.js';

export interface OpenedRecording {
  entry: RecordingEntry;
  stream: Readable;
  contentType: string;
  /** Size of the whole plain audio. */
  size: number;
  /** The inclusive range served, when one was asked for. */
  range?: { start: number; end: number } | undefined;
}

/**
 * Streams a recording's decrypted audio (whole or a byte range) to someone already authorised by
 * the caller (the API checks roles), and writes who listened to what, when, before the first byte.
 */
export async function openRecording(
  deps: RecordingsDeps,
  id: string,
  /** A range, or a function of the audio's size that gives one (HTTP suffix ranges need the size). */
  opts: { user: string; range?: ByteRange | ((size: number) => ByteRange | undefined) | undefined },
): Promise<OpenedRecording> {
  const entry = await findRecording(deps, id);
  const asked = typeof opts.range === 'function' ? opts.range(entry.size) : opts.range;
  const range = asked ? resolveRange(entry.tier, id, entry.size, asked) : undefined;
  const stream = await openCopy(deps, entry, range);
  await deps.catalogue.audit({
    recordingId: id,
    user: opts.user,
    at: deps.now().toISOString(),
    range: range ? `${range.start}-${range.end}` : undefined,
    tier: entry.tier,
  });
  deps.log.info({ recording: id, user: opts.user, tier: entry.tier, range }, 'recording opened');
  return { entry, stream, contentType: contentType(entry), size: entry.size, range };
}

/** A catalogued recording that is not being deleted, or RECORDING_NOT_FOUND. */
export async function findRecording(
  deps: Pick<RecordingsDeps, 'catalogue'>,
  id: string,
): Promise<RecordingEntry> {
  const entry = await deps.catalogue.get(id);
  if (!entry || entry.deleting)
    throw new HotlineError('RECORDING_NOT_FOUND', `[recordings] no recording ${id}`);
  return entry;
}
