import { z } from 'zod';

/** The `recordings` section of the controller's configuration. */
const dir = z.string().startsWith('/', 'an absolute path');

const s3 = z.strictObject({
  driver: z.literal('s3'),
  /** S3-compatible endpoint (MinIO, Ceph, OSS, COS...); absent: AWS. */
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  region: z.string().min(1).default('us-east-1'),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
  prefix: z.string().regex(/^([A-Za-z0-9_-]+\/)*$/, 'empty or folders ending in /').default(''),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  storageClass: z.string().regex(/^[A-Z_]+$/).default('STANDARD_IA'),
  forcePathStyle: z.boolean().default(true),
});

const folder = z.strictObject({ driver: z.literal('folder'), dir });

export const recordingsConfigSchema = z
  .strictObject({
    /** Off: conversations are never recorded, whatever the queues say. */
    enabled: z.boolean().default(true),
    /**
     * Hot tier: encrypted recordings beside where the media server writes (empty: `hot/` in the
     * first media server's recordingsDir).
     */
    hotDir: z.string().default(''),
    warm: z.strictObject({ dir, bitrateKbps: z.number().int().min(6).max(128).default(16) }).default({ dir: '/var/lib/hotline/recordings/warm', bitrateKbps: 16 }),
    cold: z.discriminatedUnion('driver', [folder, s3]).default({ driver: 'folder', dir: '/var/lib/hotline/recordings/cold' }),
    policy: z
      .strictObject({
        hotDays: z.number().positive().default(7),
        warmDays: z.number().positive().default(30),
        retentionDays: z.number().positive().default(180),
      })
      .refine((p) => p.hotDays < p.warmDays && p.warmDays < p.retentionDays, 'tier ages must grow: hotDays < warmDays < retentionDays')
      .default({ hotDays: 7, warmDays: 30, retentionDays: 180 }),
    /**
     * Master keys and the caller-hash secret (JSON, mode 0600; HOTLINE_RECORDINGS_KEY_FILE sets
     * it). Created with a fresh key when missing.
     */
    keyFile: dir.default('/var/lib/hotline/recording-keys.json'),
    worker: z
      .strictObject({
        /** 'controller': tiering runs inside the controller; 'separate': `hotline recordings worker`. */
        mode: z.enum(['controller', 'separate', 'off']).default('controller'),
        intervalMinutes: z.number().min(0.05).max(24 * 60).default(60),
        concurrency: z.number().int().min(1).max(16).default(2),
        /** A crashed worker's recordings are free for another after this long. */
        lockSeconds: z.number().min(0.2).max(3600).default(30),
      })
      .default({ mode: 'controller', intervalMinutes: 60, concurrency: 2, lockSeconds: 30 }),
    /** Deadline for one recording's copy, transcode or check. */
    stepTimeoutSeconds: z.number().int().min(5).max(3600).default(600),
  })
  .default({
    enabled: true,
    hotDir: '',
    warm: { dir: '/var/lib/hotline/recordings/warm', bitrateKbps: 16 },
    cold: { driver: 'folder', dir: '/var/lib/hotline/recordings/cold' },
    policy: { hotDays: 7, warmDays: 30, retentionDays: 180 },
    keyFile: '/var/lib/hotline/recording-keys.json',
    worker: { mode: 'controller', intervalMinutes: 60, concurrency: 2, lockSeconds: 30 },
    stepTimeoutSeconds: 600,
  });

export type RecordingsConfig = z.infer<typeof recordingsConfigSchema>;
