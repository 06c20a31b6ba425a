import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { PendingCapture, Tier } from '../../recordings/catalogue/entry.js';
import { MemoryCatalogue } from '../../recordings/catalogue/memory.js';
import type { Catalogue } from '../../recordings/catalogue/types.js';
import { Keyring } from '../../recordings/crypto/keyring.js';
import { DEFAULT_POLICY, type RecordingsDeps } from '../../recordings/deps.js';
import { memoryStorage } from '../../recordings/storage/memory.js';
import type { StorageDriver } from '../../recordings/storage/types.js';

/** A settable clock for living through 180 days in a test. */
export class TestClock {
  constructor(public ms = Date.parse('2026-01-05T09:00:00Z')) {}
  readonly now = (): Date => new Date(this.ms);
  days(n: number): void {
    this.ms += n * 24 * 3600_000;
  }
}

export const masterKey = (): string => randomBytes(32).toString('base64');

/** Recording deps on memory storage and a memory catalogue, with real crypto and real ffmpeg. */
export function memoryRecordings(
  opts: {
    clock?: TestClock;
    tiers?: Partial<Record<Tier, StorageDriver>>;
    catalogue?: Catalogue;
    keyring?: Keyring;
  } = {},
): RecordingsDeps & { clock: TestClock } {
  const clock = opts.clock ?? new TestClock();
  return {
    tiers: {
      hot: opts.tiers?.hot ?? memoryStorage({ name: 'hot' }),
      warm: opts.tiers?.warm ?? memoryStorage({ name: 'warm' }),
      cold: opts.tiers?.cold ?? memoryStorage({ name: 'cold' }),
    },
    catalogue: opts.catalogue ?? new MemoryCatalogue(),
    keyring: opts.keyring ?? new Keyring({ current: 'k1', keys: { k1: masterKey() } }),
    policy: DEFAULT_POLICY,
    callerHashSecret: 'test-secret',
    now: clock.now,
    log: pino({ level: 'silent' }),
    bitrateKbps: 16,
    stepTimeoutMs: 30_000,
    lockMs: 10_000,
    clock,
  };
}

/** A folder of WAV "call recordings" made with sox (tone plus noise, 8 kHz mono 16-bit). */
export class WavFactory {
  readonly dir = mkdtempSync(join(tmpdir(), 'hotline-wav-'));

  make(seconds: number, name: string = randomUUID()): string {
    const file = join(this.dir, `${name}.wav`);
    execFileSync('sox', [
      '-n',
      '-r',
      '8000',
      '-c',
      '1',
      '-b',
      '16',
      file,
      'synth',
      String(seconds),
      'sine',
      '300-900',
      'synth',
      String(seconds),
      'pinknoise',
      'mix',
      'vol',
      '0.3',
    ]);
    return file;
  }

  pending(clock: TestClock, seconds: number, extra: Partial<PendingCapture> = {}): PendingCapture {
    const id = `rec-${randomUUID()}`;
    return {
      id,
      file: this.make(seconds, id),
      callId: `call-${id.slice(4, 12)}`,
      number: '4008001234',
      callerNumber: '13800138000',
      agentId: 'agent-1',
      queue: 'billing',
      startedAt: clock.now().toISOString(),
      ...extra,
    };
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
