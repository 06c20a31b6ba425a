import type { Logger } from 'pino';
import type { Catalogue } from './catalogue/types.js';
import type { Tier } from './catalogue/entry.js';
import type { Keyring } from './crypto/keyring.js';
import type { StorageDriver } from './storage/types.js';

/** How long a recording stays on each tier (days since the call), and when it is deleted. */
export interface TierPolicy {
  hotDays: number;
  warmDays: number;
  retentionDays: number;
}

export const DEFAULT_POLICY: TierPolicy = { hotDays: 7, warmDays: 30, retentionDays: 180 };

/**
 * Everything the recording lifecycle works with, built once by the composition root (the
 * controller or the CLI) and passed down.
 */
export interface RecordingsDeps {
  tiers: Record<Tier, StorageDriver>;
  catalogue: Catalogue;
  keyring: Keyring;
  policy: TierPolicy;
  /** Secret for the keyed hash of caller numbers. */
  callerHashSecret: string;
  /** The clock: injected, so tests can live through 180 days in seconds. */
  now: () => Date;
  log: Logger;
  /** Opus bitrate of the warm copies. */
  bitrateKbps: number;
  /** Deadline for one object's copy, transcode or check. */
  stepTimeoutMs: number;
  /** A recording's lock lapses this long after its worker stops renewing it (crashed). */
  lockMs: number;
  /**
   * Called after each step of a move with its name ('copied', 'verified', 'sidecar', 'committed',
   * 'source-deleted', 'cleaned', ...): the crash tests kill the worker here.
   */
  step?: ((name: string, recordingId: string) => void | Promise<void>) | undefined;
}

export const DAY_MS = 24 * 3600 * 1000;
