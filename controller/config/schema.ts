import { z } from 'zod';
import { regexSchema } from '../util/regex-schema.js';
import { recordingsConfigSchema } from '../../recordings/config.js';

/**
 * The whole configuration, validated once at start. Defaults run the bundled local lab, so an
 * empty file (or none) is a working configuration on a lab machine.
 */
const port = z.number().int().min(1).max(65535);

export const asteriskServerSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes')
    .describe("Names this media server in logs, call records and agents' per-server `endpoints`."),
  kind: z.literal('asterisk').describe('`asterisk` (ARI) or `freeswitch` (event socket).'),
  url: z
    .url({ protocol: /^https?$/ })
    .default('http://127.0.0.1:8088')
    .describe(
      "ARI base URL, without credentials (Asterisk's http.conf `bindaddr` and `bindport`).",
    ),
  username: z
    .string()
    .min(1)
    .default('hotline')
    .describe("ARI user: the section name in Asterisk's ari.conf."),
  password: z
    .string()
    .min(8, 'at least 8 characters')
    .default('hotline-lab-secret')
    .describe('ARI password (ari.conf `password`); redacted in logs.'),
  app: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('hotline')
    .describe('The Stasis application the dialplan hands 400-number calls to.'),
  promptDir: z
    .string()
    .startsWith('/')
    .default('/var/lib/hotline/prompts')
    .describe(
      "Where this media server reads hotline prompts (`<lang>/<id>.wav`; a path on the media server's filesystem).",
    ),
  recordingsDir: z
    .string()
    .startsWith('/')
    .default('/var/lib/hotline-lab/asterisk-root/var/spool/asterisk/recording')
    .describe(
      "Where the controller reads the media server's finished recordings (conversations, speech turns, " +
        "voicemail): the server's recording folder as this machine sees it (a shared volume outside the lab).",
    ),
  commandTimeoutMs: z
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(5000)
    .describe('Deadline for one REST command to the media server.'),
  reconnect: z
    .strictObject({
      initialMs: z
        .number()
        .int()
        .min(10)
        .max(60_000)
        .default(250)
        .describe('First delay before reconnecting.'),
      maxMs: z
        .number()
        .int()
        .min(100)
        .max(300_000)
        .default(10_000)
        .describe('Longest delay between attempts.'),
    })
    .default({ initialMs: 250, maxMs: 10_000 })
    .describe('Reconnecting after the connection drops: capped exponential backoff with jitter.'),
});

const reconnectSchema = z
  .strictObject({
    initialMs: z
      .number()
      .int()
      .min(10)
      .max(60_000)
      .default(250)
      .describe('First delay before reconnecting.'),
    maxMs: z
      .number()
      .int()
      .min(100)
      .max(300_000)
      .default(10_000)
      .describe('Longest delay between attempts.'),
  })
  .default({ initialMs: 250, maxMs: 10_000 })
  .describe('Reconnecting after the connection drops: capped exponential backoff with jitter.');

export const freeswitchServerSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes')
    .describe("Names this media server in logs, call records and agents' per-server `endpoints`."),
  kind: z.literal('freeswitch').describe('`asterisk` (ARI) or `freeswitch` (event socket).'),
  host: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe("mod_event_socket's address (event_socket.conf.xml `listen-ip`)."),
  port: port.default(8021).describe('event_socket.conf.xml `listen-port`.'),
  password: z
    .string()
    .min(8, 'at least 8 characters (FreeSWITCH ships "ClueCon": change it)')
    .describe(
      'event_socket.conf.xml `password` (FreeSWITCH ships "ClueCon": change it); redacted in logs.',
    ),
  promptDir: z
    .string()
    .startsWith('/')
    .default('/var/lib/hotline/prompts')
    .describe(
      'Where FreeSWITCH reads hotline prompts (`<dir>/<lang>/<id>.wav`), on its own filesystem.',
    ),
  soundsDir: z
    .string()
    .startsWith('/')
    .default('/usr/share/freeswitch/sounds/hotline')
    .describe(
      'Where FreeSWITCH finds other sounds (`sound` media, and digits as ' +
        '`digits/0.wav` … `digits/9.wav`): its `sounds_dir` or a folder of ours.',
    ),
  serverRecordingsDir: z
    .string()
    .startsWith('/')
    .default('/var/lib/freeswitch/recordings/hotline')
    .describe('Where FreeSWITCH writes recordings, as FreeSWITCH sees the folder.'),
  recordingsDir: z
    .string()
    .startsWith('/')
    .default('/var/lib/freeswitch/recordings/hotline')
    .describe(
      'The same folder as this machine sees it (a shared volume), where the controller reads them.',
    ),
  conferenceProfile: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('hotline')
    .describe('conference.conf.xml profile used as mixing bridges (caller, agent, supervisor).'),
  holdingProfile: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('hotline-hold')
    .describe('conference.conf.xml profile used as holding bridges (members muted).'),
  musicOnHold: z
    .string()
    .min(1)
    .default('local_stream://moh')
    .describe(
      "Music on hold when a queue names none; a queue's class `x` plays `local_stream://x`.",
    ),
  commandTimeoutMs: z
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(5000)
    .describe('Deadline for one command to FreeSWITCH.'),
  reconnect: reconnectSchema,
});

export const mediaServerSchema = z.discriminatedUnion('kind', [
  asteriskServerSchema,
  freeswitchServerSchema,
]);

export const configSchema = z.strictObject({
  controller: z
    .strictObject({
      name: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/)
        .default('hotline-1')
        .describe('Names this controller in logs and call records; several may share one Redis.'),
    })
    .default({ name: 'hotline-1' }),
  log: z
    .strictObject({
      level: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info')
        .describe('The least severe level logged; `silent` logs nothing.'),
      maskCallerNumbers: z
        .boolean()
        .default(true)
        .describe('Mask caller numbers (138****5678) in logs and records, as PIPL and GDPR ask.'),
    })
    .default({ level: 'info', maskCallerNumbers: true }),
  redis: z
    .strictObject({
      url: z
        .url({ protocol: /^rediss?$/ })
        .default('redis://127.0.0.1:6399/0')
        .describe(
          'The Redis holding the shared state (agents, waiting lines, call records, the recordings catalogue).',
        ),
      keyPrefix: z
        .string()
        .regex(/^[A-Za-z0-9:_-]*$/)
        .default('hotline:')
        .describe('Namespace of every key hotline writes.'),
      callRecordTtlSeconds: z
        .number()
        .int()
        .min(60)
        .max(31_536_000)
        .default(7 * 24 * 3600)
        .describe("How long a finished call's record is kept."),
    })
    .default({
      url: 'redis://127.0.0.1:6399/0',
      keyPrefix: 'hotline:',
      callRecordTtlSeconds: 7 * 24 * 3600,
    }),
  api: z
    .strictObject({
      host: z
        .string()
        .min(1)
        .default('127.0.0.1')
        .describe("The control API's listening address (loopback unless configured)."),
      port: port.default(8480).describe("The control API's port."),
      tokenSecretFile: z
        .string()
        .startsWith('/')
        .default('/var/lib/hotline/api-token-secret')
        .describe(
          'The secret that signs bearer tokens (created on first start; the same on every controller).',
        ),
      superviseEndpoints: regexSchema
        .default('^PJSIP/[A-Za-z0-9_.-]{1,40}@agents-[A-Za-z0-9_-]{1,40}$')
        .describe(
          'A regular expression: phones a supervisor may be rung on to ' +
            'listen, whisper or barge, and the internal phones a call ' +
            ('may be transferred to through the API; internal endpoints ' +
              'only, so the API can never dial out through the carrier trunk.'),
        ),
      bodyBytes: z
        .number()
        .int()
        .min(1024)
        .max(10_000_000)
        .default(65_536)
        .describe('Largest JSON body accepted (flow files have their own limit, 600 kB).'),
      rateLimit: z
        .strictObject({
          perSecond: z
            .number()
            .min(1)
            .max(100_000)
            .default(50)
            .describe('Requests per second per API key or token, on each controller.'),
          burst: z
            .number()
            .int()
            .min(1)
            .max(100_000)
            .default(100)
            .describe('The burst allowed above that rate.'),
        })
        .default({ perSecond: 50, burst: 100 }),
    })
    .default({
      host: '127.0.0.1',
      port: 8480,
      tokenSecretFile: '/var/lib/hotline/api-token-secret',
      superviseEndpoints: '^PJSIP/[A-Za-z0-9_.-]{1,40}@agents-[A-Za-z0-9_-]{1,40}$',
      bodyBytes: 65_536,
      rateLimit: { perSecond: 50, burst: 100 },
    }),
  mediaServers: z
    .array(mediaServerSchema)
    .min(1, 'at least one media server')
    .refine(
      (list) => new Set(list.map((s) => s.id)).size === list.length,
      'media server ids must be unique',
    )
    .default([asteriskServerSchema.parse({ id: 'asterisk-lab', kind: 'asterisk' })])
    .describe(
      'The media servers, any mix of kinds; a call is controlled on the server it arrived on.',
    ),
  numbers: z
    .strictObject({
      pattern: regexSchema
        .default('^400\\d{7}$')
        .describe(
          'A regular expression: called numbers this controller serves ' +
            '(the dialplan should only send these; others are hung up).',
        ),
    })
    .default({ pattern: '^400\\d{7}$' }),
  routing: z
    .strictObject({
      dir: z
        .string()
        .default('')
        .describe(
          "Folder with agents.yaml, queues.yaml and regions/ (empty: the project's dialplan/routing).",
        ),
    })
    .default({ dir: '' }),
  flows: z
    .strictObject({
      dir: z
        .string()
        .default('')
        .describe("Folder of IVR flow files (empty: the project's dialplan/flows)."),
      watch: z.boolean().default(true).describe('Pick up changed flow files without a restart.'),
      transferEndpoint: z
        .string()
        .regex(/\{number\}/, 'must contain {number}')
        .default('PJSIP/{number}@carrier')
        .describe(
          "How a transfer to a phone number (a flow's `transfer`, the API's) is dialled; with the form " +
            '`TECH/{number}@trunk` a `sip:` URI goes out through the same trunk. One setting for every media server.',
        ),
      requestsRetentionDays: z
        .number()
        .min(1)
        .max(3650)
        .default(30)
        .describe(
          'How long callback requests (with the number to call) and voicemail messages are kept, in days.',
        ),
    })
    .default({
      dir: '',
      watch: true,
      transferEndpoint: 'PJSIP/{number}@carrier',
      requestsRetentionDays: 30,
    }),
  speech: z
    .strictObject({
      engine: z
        .enum(['pocketsphinx', 'none'])
        .default('pocketsphinx')
        .describe('The recogniser for spoken menus; `none` makes every menu keypad only.'),
      modelsDir: z
        .string()
        .default('')
        .describe(
          'Folder with the 8 kHz acoustic models (HOTLINE_SPEECH_MODELS_DIR; empty: the shipped media/speech/models/).',
        ),
    })
    .default({ engine: 'pocketsphinx', modelsDir: '' }),
  recordings: recordingsConfigSchema,
  session: z
    .strictObject({
      language: z
        .enum(['en', 'zh'])
        .default('en')
        .describe(
          'Language of the prompts the controller plays on its own: the built-in welcome flow (numbers ' +
            'no flow claims), the busy prompt, queue position announcements, the recording notice.',
        ),
      welcomePrompt: z
        .string()
        .regex(/^[a-z0-9_-]+$/)
        .default('welcome')
        .describe("The built-in welcome flow's first prompt (a catalogue id)."),
      goodbyePrompt: z
        .string()
        .regex(/^[a-z0-9_-]+$/)
        .default('goodbye')
        .describe("The built-in welcome flow's last prompt (a catalogue id)."),
      digitTimeoutMs: z
        .number()
        .int()
        .min(500)
        .max(60_000)
        .default(5000)
        .describe('How long the caller has to press a key after the welcome prompt.'),
      maxCallMs: z
        .number()
        .int()
        .min(5000)
        .max(24 * 3600_000)
        .default(3_600_000)
        .describe('Hard ceiling on one session, whatever happens.'),
      menu: z
        .record(z.string().regex(/^[0-9*#]$/), z.string().min(1))
        .default({})
        .describe(
          'Keys that send the caller to a queue from the built-in welcome menu, e.g. { "1": billing }.',
        ),
    })
    .default({
      language: 'en',
      welcomePrompt: 'welcome',
      goodbyePrompt: 'goodbye',
      digitTimeoutMs: 5000,
      maxCallMs: 3_600_000,
      menu: {},
    }),
  overload: z
    .strictObject({
      maxCalls: z
        .number()
        .int()
        .min(0)
        .max(100_000)
        .default(0)
        .describe(
          'Calls in progress on this controller beyond which new calls are refused (0: no limit).',
        ),
      maxNewPerSecond: z
        .number()
        .min(0)
        .max(10_000)
        .default(0)
        .describe(
          "New calls per second beyond which new calls are refused (0: no limit; a bucket holding one second's worth).",
        ),
      refuse: z
        .enum(['reject', 'busy'])
        .default('reject')
        .describe(
          'How: `reject` before answering (cause 34: SIP 503 from Asterisk, so the carrier can retry or ' +
            're-route; ARI cannot add a Retry-After header), or `busy`: answer, play `busyPrompt`, hang up.',
        ),
      busyPrompt: z
        .string()
        .regex(/^[a-z0-9_-]+$/)
        .default('all-lines-busy')
        .describe('The prompt `refuse: busy` plays (a catalogue id).'),
    })
    .default({ maxCalls: 0, maxNewPerSecond: 0, refuse: 'reject', busyPrompt: 'all-lines-busy' }),
  lab: z
    .strictObject({
      dir: z
        .string()
        .startsWith('/')
        .default('/var/lib/hotline-lab')
        .describe('Lab state outside the checkout: the Asterisk chroot, logs, pid files.'),
      cache: z
        .string()
        .startsWith('/')
        .default('/var/cache/hotline-lab/asterisk-sid.tar.zst')
        .describe('The finished chroot, cached so a rebuild takes seconds.'),
      redisPort: port.default(6399).describe("The lab Redis's port."),
    })
    .default({
      dir: '/var/lib/hotline-lab',
      cache: '/var/cache/hotline-lab/asterisk-sid.tar.zst',
      redisPort: 6399,
    }),
});

export type Config = z.infer<typeof configSchema>;
export type AsteriskServerConfig = z.infer<typeof asteriskServerSchema>;
export type FreeswitchServerConfig = z.infer<typeof freeswitchServerSchema>;
export type MediaServerConfig = Config['mediaServers'][number];
