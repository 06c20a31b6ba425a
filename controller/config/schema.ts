import { z } from 'zod';
import { regexSchema } from '../util/regex-schema.js';
import { recordingsConfigSchema } from '../../recordings/config.js';

/**
 * The whole configuration, validated once at start. Defaults run the bundled local lab, so an
 * empty file (or none) is a working configuration on a lab machine.
 */
const port = z.number().int().min(1).max(65535);

export const asteriskServerSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes'),
  kind: z.literal('asterisk'),
  /** ARI base URL, without credentials. */
  url: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8088'),
  username: z.string().min(1).default('hotline'),
  password: z.string().min(8, 'at least 8 characters').default('hotline-lab-secret'),
  /** The Stasis application the dialplan hands 400-number calls to. */
  app: z.string().regex(/^[A-Za-z0-9_-]+$/).default('hotline'),
  /** Where this media server reads hotline prompts (a path on the media server's filesystem). */
  promptDir: z.string().startsWith('/').default('/var/lib/hotline/prompts'),
  /**
   * Where the controller reads the media server's finished recordings (speech turns, voicemail):
   * the server's recording folder as this machine sees it (a shared volume outside the lab).
   */
  recordingsDir: z.string().startsWith('/').default('/var/lib/hotline-lab/asterisk-root/var/spool/asterisk/recording'),
  /** Deadline for one REST command to the media server. */
  commandTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
  reconnect: z
    .strictObject({
      initialMs: z.number().int().min(10).max(60_000).default(250),
      maxMs: z.number().int().min(100).max(300_000).default(10_000),
    })
    .default({ initialMs: 250, maxMs: 10_000 }),
});

const reconnectSchema = z
  .strictObject({
    initialMs: z.number().int().min(10).max(60_000).default(250),
    maxMs: z.number().int().min(100).max(300_000).default(10_000),
  })
  .default({ initialMs: 250, maxMs: 10_000 });

export const freeswitchServerSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes'),
  kind: z.literal('freeswitch'),
  /** mod_event_socket's address (event_socket.conf.xml `listen-ip`, `listen-port`). */
  host: z.string().min(1).default('127.0.0.1'),
  port: port.default(8021),
  /** event_socket.conf.xml `password`. */
  password: z.string().min(8, 'at least 8 characters (FreeSWITCH ships "ClueCon": change it)'),
  /** Where FreeSWITCH reads hotline prompts (`<dir>/<lang>/<id>.wav`), on its own filesystem. */
  promptDir: z.string().startsWith('/').default('/var/lib/hotline/prompts'),
  /** Where FreeSWITCH finds other sounds (`sound` media): its `sounds_dir` or a folder of ours. */
  soundsDir: z.string().startsWith('/').default('/usr/share/freeswitch/sounds/hotline'),
  /** Where FreeSWITCH writes recordings, as FreeSWITCH sees the folder. */
  serverRecordingsDir: z.string().startsWith('/').default('/var/lib/freeswitch/recordings/hotline'),
  /** The same folder as this machine sees it (a shared volume), where the controller reads them. */
  recordingsDir: z.string().startsWith('/').default('/var/lib/freeswitch/recordings/hotline'),
  /** conference.conf.xml profiles used as mixing and holding bridges. */
  conferenceProfile: z.string().regex(/^[A-Za-z0-9_-]+$/).default('hotline'),
  holdingProfile: z.string().regex(/^[A-Za-z0-9_-]+$/).default('hotline-hold'),
  /** Music on hold when a queue names none; a queue's class `x` plays `local_stream://x`. */
  musicOnHold: z.string().min(1).default('local_stream://moh'),
  /** Deadline for one command to FreeSWITCH. */
  commandTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
  reconnect: reconnectSchema,
});

export const mediaServerSchema = z.discriminatedUnion('kind', [asteriskServerSchema, freeswitchServerSchema]);

export const configSchema = z.strictObject({
  controller: z
    .strictObject({
      /** Names this controller in logs and call records; several may share one Redis. */
      name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default('hotline-1'),
    })
    .default({ name: 'hotline-1' }),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** Mask caller numbers (138****5678) in logs and records, as PIPL and GDPR ask. */
      maskCallerNumbers: z.boolean().default(true),
    })
    .default({ level: 'info', maskCallerNumbers: true }),
  redis: z
    .strictObject({
      url: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6399/0'),
      keyPrefix: z.string().regex(/^[A-Za-z0-9:_-]*$/).default('hotline:'),
      /** How long a finished call's record is kept. */
      callRecordTtlSeconds: z.number().int().min(60).max(31_536_000).default(7 * 24 * 3600),
    })
    .default({ url: 'redis://127.0.0.1:6399/0', keyPrefix: 'hotline:', callRecordTtlSeconds: 7 * 24 * 3600 }),
  api: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: port.default(8480),
      /** The secret that signs bearer tokens (created on first start; the same on every controller). */
      tokenSecretFile: z.string().startsWith('/').default('/var/lib/hotline/api-token-secret'),
      /**
       * Phones a supervisor may be rung on to listen, whisper or barge: internal endpoints only,
       * so the API can never dial out through the carrier trunk.
       */
      superviseEndpoints: regexSchema.default('^PJSIP/[A-Za-z0-9_.-]{1,40}@agents-[A-Za-z0-9_-]{1,40}$'),
      /** Largest JSON body accepted. */
      bodyBytes: z.number().int().min(1024).max(10_000_000).default(65_536),
      /** Requests per second per API key or token, and the burst above it. */
      rateLimit: z.strictObject({ perSecond: z.number().min(1).max(100_000).default(50), burst: z.number().int().min(1).max(100_000).default(100) }).default({ perSecond: 50, burst: 100 }),
    })
    .default({ host: '127.0.0.1', port: 8480, tokenSecretFile: '/var/lib/hotline/api-token-secret', superviseEndpoints: '^PJSIP/[A-Za-z0-9_.-]{1,40}@agents-[A-Za-z0-9_-]{1,40}$', bodyBytes: 65_536, rateLimit: { perSecond: 50, burst: 100 } }),
  mediaServers: z
    .array(mediaServerSchema)
    .min(1, 'at least one media server')
    .refine((list) => new Set(list.map((s) => s.id)).size === list.length, 'media server ids must be unique')
    .default([asteriskServerSchema.parse({ id: 'asterisk-lab', kind: 'asterisk' })]),
  numbers: z
    .strictObject({
      /** Called numbers this controller serves (the dialplan should only send these). */
      pattern: regexSchema.default('^400\\d{7}$'),
    })
    .default({ pattern: '^400\\d{7}$' }),
  routing: z
    .strictObject({
      /** Folder with agents.yaml, queues.yaml and regions/ (empty: the project's dialplan/routing). */
      dir: z.string().default(''),
    })
    .default({ dir: '' }),
  flows: z
    .strictObject({
      /** Folder of IVR flow files (empty: the project's dialplan/flows). */
      dir: z.string().default(''),
      /** Pick up changed flow files without a restart. */
      watch: z.boolean().default(true),
      /** How a flow's `transfer` to a phone number is dialled. */
      transferEndpoint: z.string().regex(/\{number\}/, 'must contain {number}').default('PJSIP/{number}@carrier'),
      /** How long callback requests (with the number to call) and voicemail messages are kept. */
      requestsRetentionDays: z.number().min(1).max(3650).default(30),
    })
    .default({ dir: '', watch: true, transferEndpoint: 'PJSIP/{number}@carrier', requestsRetentionDays: 30 }),
  speech: z
    .strictObject({
      /** The recogniser for spoken menus; 'none' makes every menu keypad only. */
      engine: z.enum(['pocketsphinx', 'none']).default('pocketsphinx'),
      /** Folder with the 8 kHz models (HOTLINE_SPEECH_MODELS_DIR; empty: /var/lib/hotline/speech-models). */
      modelsDir: z.string().default(''),
    })
    .default({ engine: 'pocketsphinx', modelsDir: '' }),
  recordings: recordingsConfigSchema,
  session: z
    .strictObject({
      language: z.enum(['en', 'zh']).default('en'),
      welcomePrompt: z.string().regex(/^[a-z0-9_-]+$/).default('welcome'),
      goodbyePrompt: z.string().regex(/^[a-z0-9_-]+$/).default('goodbye'),
      /** How long the caller has to press a key after the welcome prompt. */
      digitTimeoutMs: z.number().int().min(500).max(60_000).default(5000),
      /** Hard ceiling on one session, whatever happens. */
      maxCallMs: z.number().int().min(5000).max(24 * 3600_000).default(3_600_000),
      /** Keys that send the caller to a queue from the welcome menu, e.g. { "1": billing }. */
      menu: z.record(z.string().regex(/^[0-9*#]$/), z.string().min(1)).default({}),
    })
    .default({ language: 'en', welcomePrompt: 'welcome', goodbyePrompt: 'goodbye', digitTimeoutMs: 5000, maxCallMs: 3_600_000, menu: {} }),
  overload: z
    .strictObject({
      /** Calls in progress on this controller beyond which new calls are refused (0: no limit). */
      maxCalls: z.number().int().min(0).max(100_000).default(0),
      /** New calls per second beyond which new calls are refused (0: no limit). */
      maxNewPerSecond: z.number().min(0).max(10_000).default(0),
      /**
       * How: `reject` before answering (cause 34: SIP 503 from Asterisk, so the carrier can retry
       * or re-route), or `busy`: answer, play `busyPrompt`, hang up.
       */
      refuse: z.enum(['reject', 'busy']).default('reject'),
      busyPrompt: z.string().regex(/^[a-z0-9_-]+$/).default('all-lines-busy'),
    })
    .default({ maxCalls: 0, maxNewPerSecond: 0, refuse: 'reject', busyPrompt: 'all-lines-busy' }),
  lab: z
    .strictObject({
      /** State outside the checkout: the Asterisk chroot, logs, pid files. */
      dir: z.string().startsWith('/').default('/var/lib/hotline-lab'),
      /** The finished chroot, cached so a rebuild takes seconds. */
      cache: z.string().startsWith('/').default('/var/cache/hotline-lab/asterisk-sid.tar.zst'),
      redisPort: port.default(6399),
    })
    .default({ dir: '/var/lib/hotline-lab', cache: '/var/cache/hotline-lab/asterisk-sid.tar.zst', redisPort: 6399 }),
});

export type Config = z.infer<typeof configSchema>;
export type AsteriskServerConfig = z.infer<typeof asteriskServerSchema>;
export type FreeswitchServerConfig = z.infer<typeof freeswitchServerSchema>;
export type MediaServerConfig = Config['mediaServers'][number];
