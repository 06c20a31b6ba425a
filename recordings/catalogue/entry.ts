import { z } from 'zod';

/** The three storage tiers, in the order a recording passes through them. */
export const TIERS = ['hot', 'warm', 'cold'] as const;
export type Tier = (typeof TIERS)[number];

const iso = z.iso.datetime({ offset: true });

/**
 * One recording in the catalogue. The same record, less the bookkeeping, is kept as a sidecar
 * beside the stored object, so the catalogue can be rebuilt from storage alone.
 */
export const entrySchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/),
  callId: z.string().max(200),
  /** The 400 number called. */
  number: z.string().max(40),
  callerMasked: z.string().max(40),
  /** Keyed hash of the caller number (search by equality without keeping the number). */
  callerHash: z.string().regex(/^[0-9a-f]{64}$/),
  agentId: z.string().max(64).optional(),
  queue: z.string().max(64).optional(),
  startedAt: iso,
  endedAt: iso,
  durationMs: z.number().int().min(0),
  /** The audio as recorded: kept to check every later copy against. */
  original: z.strictObject({
    format: z.literal('wav'),
    size: z.number().int().min(0),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    durationMs: z.number().int().min(0),
  }),
  tier: z.enum(TIERS),
  /** The object's key in its tier's storage. */
  key: z.string().max(512),
  /** The audio in this copy: WAV on the hot tier, Opus in Ogg once compressed. */
  format: z.enum(['wav', 'opus']),
  /** Plain audio bytes and their SHA-256 in this copy. */
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Bytes of the stored (encrypted) object. */
  storedSize: z.number().int().min(0),
  /** The recording's data key, wrapped by a master key (`k1:<key id>:...`). */
  dataKey: z.string().max(200),
  retainUntil: iso,
  legalHold: z.boolean(),
  /** Set when the retention deadline passed and deletion began (resumed after a crash). */
  deleting: z.boolean().optional(),
  /** Copies left behind by a committed move, to delete ("tier:key"). Not in sidecars. */
  stale: z.array(z.string()).optional(),
  updatedAt: iso,
});

export type RecordingEntry = z.infer<typeof entrySchema>;

/** Where the copy lives, for people: `warm:2026/11/26/<id>.opus.hlr`. */
export function location(e: Pick<RecordingEntry, 'tier' | 'key'>): string {
  return `${e.tier}:${e.key}`;
}

/** Object key of a recording's copy on a tier: dated folders keep listings short. */
export function objectKey(
  e: Pick<RecordingEntry, 'id' | 'startedAt'>,
  format: 'wav' | 'opus',
): string {
  const day = e.startedAt.slice(0, 10).replaceAll('-', '/');
  return `${day}/${e.id}.${format}.hlr`;
}

export function sidecarKey(objectKey: string): string {
  return `${objectKey}.meta.json`;
}

export function isSidecar(key: string): boolean {
  return key.endsWith('.meta.json');
}

/** The sidecar written beside an object: the entry as it is on that copy. */
export function sidecarOf(e: RecordingEntry): Buffer {
  const rest: Partial<RecordingEntry> = { ...e };
  delete rest.stale;
  delete rest.deleting;
  return Buffer.from(JSON.stringify(rest, null, 1));
}

export function parseSidecar(buf: Buffer): RecordingEntry | undefined {
  try {
    const parsed = entrySchema.safeParse(JSON.parse(buf.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A recording still being made (or made but not yet stored): found again after a crash. */
export const pendingSchema = z.strictObject({
  id: entrySchema.shape.id,
  /** The media server's file, as the controller sees it. */
  file: z.string().startsWith('/'),
  callId: z.string(),
  number: z.string(),
  callerNumber: z.string(),
  agentId: z.string().optional(),
  queue: z.string().optional(),
  startedAt: iso,
  /** When the bridge ended (paused time makes the audio shorter than the call). */
  endedAt: iso.optional(),
});
export type PendingCapture = z.infer<typeof pendingSchema>;

export interface AuditEntry {
  recordingId: string;
  /** Who listened: an API key id, a user, or 'cli:<os user>'. */
  user: string;
  at: string;
  range?: string | undefined;
  tier: Tier;
}
