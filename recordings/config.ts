import { z } from 'zod';

/** The `recordings` section of the controller's configuration. */
const dir = z.string().startsWith('/', 'an absolute path');

const s3 = z.strictObject({
  driver: z
    .literal('s3')
    .describe('`folder` (a local or mounted folder) or `s3` (S3-compatible object storage).'),
  endpoint: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('S3-compatible endpoint (MinIO, Ceph, OSS, COS...); absent: AWS.'),
  region: z.string().min(1).default('us-east-1').describe("The bucket's region."),
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')
    .describe('The bucket.'),
  prefix: z
    .string()
    .regex(/^([A-Za-z0-9_-]+\/)*$/, 'empty or folders ending in /')
    .default('')
    .describe('Folders inside the bucket, ending in `/` (empty: the top).'),
  accessKeyId: z.string().min(1).describe('Access key id.'),
  secretAccessKey: z
    .string()
    .min(1)
    .describe(
      'Secret access key (HOTLINE_RECORDINGS_COLD_SECRET_ACCESS_KEY keeps it out of the file).',
    ),
  storageClass: z
    .string()
    .regex(/^[A-Z_]+$/)
    .default('STANDARD_IA')
    .describe(
      'Storage class of cold objects (`GLACIER_IR` reads instantly; `GLACIER` ' +
        'and `DEEP_ARCHIVE` need a restore first and are not supported).',
    ),
  forcePathStyle: z
    .boolean()
    .default(true)
    .describe('Path-style requests (`endpoint/bucket/key`), which most S3-compatible stores need.'),
});

const folder = z.strictObject({
  driver: z
    .literal('folder')
    .describe('`folder` (a local or mounted folder) or `s3` (S3-compatible object storage).'),
  dir: dir.describe('The cold tier folder.'),
});

export const recordingsConfigSchema = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .describe(
        'Off: conversations are never recorded, whatever the queues say (per queue: ' +
          '`record: always | never | on-demand`, `recordingConsent: <prompt>`).',
      ),
    hotDir: z
      .string()
      .default('')
      .describe(
        'Hot tier: encrypted recordings beside where the media server ' +
          "writes (empty: `hot/` in the first media server's recordingsDir).",
      ),
    warm: z
      .strictObject({
        dir: dir.describe('Warm tier folder (encrypted Opus).'),
        bitrateKbps: z
          .number()
          .int()
          .min(6)
          .max(128)
          .default(16)
          .describe('Opus bitrate of warm copies.'),
      })
      .default({ dir: '/var/lib/hotline/recordings/warm', bitrateKbps: 16 }),
    cold: z
      .discriminatedUnion('driver', [folder, s3])
      .default({ driver: 'folder', dir: '/var/lib/hotline/recordings/cold' })
      .describe('Cold tier storage.'),
    policy: z
      .strictObject({
        hotDays: z
          .number()
          .positive()
          .default(7)
          .describe('Days after the call a recording moves from hot to warm.'),
        warmDays: z
          .number()
          .positive()
          .default(30)
          .describe('Days after the call it moves from warm to cold.'),
        retentionDays: z
          .number()
          .positive()
          .default(180)
          .describe('Days after the call it is deleted, unless on legal hold.'),
      })
      .refine(
        (p) => p.hotDays < p.warmDays && p.warmDays < p.retentionDays,
        'tier ages must grow: hotDays < warmDays < retentionDays',
      )
      .default({ hotDays: 7, warmDays: 30, retentionDays: 180 }),
    keyFile: dir
      .default('/var/lib/hotline/recording-keys.json')
      .describe(
        'Master keys and the caller-hash secret (JSON, mode 0600; HOTLINE_RECORDINGS_KEY_FILE sets it). ' +
          'Created with a fresh key when missing; back it up: without it no recording can be played.',
      ),
    worker: z
      .strictObject({
        mode: z
          .enum(['controller', 'separate', 'off'])
          .default('controller')
          .describe(
            'Where tiering runs: `controller` inside the controller, ' +
              '`separate` in `hotline recordings worker`, `off` nowhere.',
          ),
        intervalMinutes: z
          .number()
          .min(0.05)
          .max(24 * 60)
          .default(60)
          .describe('Minutes between tiering passes.'),
        concurrency: z
          .number()
          .int()
          .min(1)
          .max(16)
          .default(2)
          .describe('Recordings moved at once.'),
        lockSeconds: z
          .number()
          .min(0.2)
          .max(3600)
          .default(30)
          .describe("A crashed worker's recordings are free for another after this long."),
      })
      .default({ mode: 'controller', intervalMinutes: 60, concurrency: 2, lockSeconds: 30 }),
    stepTimeoutSeconds: z
      .number()
      .int()
      .min(5)
      .max(3600)
      .default(600)
      .describe("Deadline for one recording's copy, transcode or check."),
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
