import type { Config } from '../config/schema.js';
import { loadKeyFile } from '../../recordings/crypto/key-file.js';
import { callerHash } from '../../recordings/crypto/keyring.js';

/** A caller number's keyed hash: equal numbers give equal hashes, the hash gives no number back. */
export type CallerHasher = (callerNumber: string) => string;

/**
 * The caller-hash secret, kept outside Redis in the recordings key file (`recordings.keyFile`,
 * mode 0600, created on first start): call records, callback requests, voicemail messages and
 * recordings all hash callers with it, so one erasure request finds them all. Phone numbers are
 * too few for a plain hash: anyone with Redis could try them all; without the secret they cannot.
 */
export async function loadCallerSecret(config: Pick<Config, 'recordings'>): Promise<string> {
  return (await loadKeyFile(config.recordings.keyFile, { create: true })).keys.callerHashSecret;
}

export function callerHasher(secret: string): CallerHasher {
  return (callerNumber) => callerHash(secret, callerNumber);
}
