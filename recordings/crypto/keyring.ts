import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { HotlineError } from '../../lib/errors.js';

/**
 * Master keys from configuration. Each recording has its own random data key; only the data key
 * is wrapped (AES-256-GCM) by a master key, so rotating the master key rewraps 60-byte strings in
 * the catalogue and sidecars and never touches the audio.
 */
export interface KeyringConfig {
  /** Id of the key that wraps new data keys. */
  current: string;
  /** Key id -> 32 bytes in base64. Old keys stay until every data key is rewrapped. */
  keys: Record<string, string>;
}

const VERSION = 'k1';

export class Keyring {
  private readonly keys = new Map<string, Buffer>();
  readonly current: string;

  constructor(config: KeyringConfig) {
    for (const [id, b64] of Object.entries(config.keys)) {
      const key = Buffer.from(b64, 'base64');
      if (key.length !== 32)
        throw new HotlineError(
          'CONFIG_INVALID',
          `[recordings] master key ${id} is not 32 bytes of base64`,
        );
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(id))
        throw new HotlineError(
          'CONFIG_INVALID',
          `[recordings] master key id ${id} is not a short name`,
        );
      this.keys.set(id, key);
    }
    if (!this.keys.has(config.current))
      throw new HotlineError(
        'CONFIG_INVALID',
        `[recordings] current master key ${config.current} is not among the keys`,
      );
    this.current = config.current;
  }

  /** A fresh data key for one recording. */
  static dataKey(): Buffer {
    return randomBytes(32);
  }

  /** `k1:<key id>:<iv|ciphertext|tag in base64url>`, bound to the recording id. */
  wrap(dataKey: Buffer, recordingId: string): string {
    const master = this.keys.get(this.current) as Buffer;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', master, iv);
    c.setAAD(Buffer.from(recordingId));
    const body = Buffer.concat([iv, c.update(dataKey), c.final(), c.getAuthTag()]);
    return `${VERSION}:${this.current}:${body.toString('base64url')}`;
  }

  unwrap(wrapped: string, recordingId: string): Buffer {
    const [version, keyId, body] = wrapped.split(':');
    if (version !== VERSION || !keyId || !body)
      throw new HotlineError(
        'RECORDING_KEY_MISSING',
        `[recordings] data key of ${recordingId} is malformed`,
      );
    const master = this.keys.get(keyId);
    if (!master)
      throw new HotlineError(
        'RECORDING_KEY_MISSING',
        `[recordings] master key ${keyId} for ${recordingId} is not configured`,
        { details: { keyId } },
      );
    const raw = Buffer.from(body, 'base64url');
    try {
      const d = createDecipheriv('aes-256-gcm', master, raw.subarray(0, 12));
      d.setAAD(Buffer.from(recordingId));
      d.setAuthTag(raw.subarray(raw.length - 16));
      const key = Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]);
      if (key.length !== 32) throw new Error('short key');
      return key;
    } catch (err) {
      throw new HotlineError(
        'RECORDING_KEY_MISMATCH',
        `[recordings] master key ${keyId} does not open the data key of ${recordingId} (wrong key?)`,
        { cause: err, details: { keyId } },
      );
    }
  }

  keyIdOf(wrapped: string): string | undefined {
    return wrapped.split(':')[1];
  }

  /** Rewraps a data key under the current master key (rotation); unchanged when already current. */
  rewrap(wrapped: string, recordingId: string): string {
    if (this.keyIdOf(wrapped) === this.current) return wrapped;
    return this.wrap(this.unwrap(wrapped, recordingId), recordingId);
  }
}

/**
 * A caller number as a keyed hash: searchable by equality, not reversible by trying every number
 * (phone numbers are a small space, so a plain SHA-256 would be).
 */
export function callerHash(secret: string, number: string): string {
  return createHmac('sha256', secret)
    .update(number.replace(/[^0-9+]/g, ''))
    .digest('hex');
}
