import { z } from 'zod';
import { NO_CONTROL, noControl } from '../../lib/text.js';
import { regexSchema } from '../util/regex-schema.js';

/**
 * The flow file format (dialplan/flows/*.yaml): which 400 numbers a flow serves, and a graph of
 * nodes, each one verb with its settings and the names of the nodes that follow. Admins write
 * these; `hotline flows validate` and the JSON Schema (`hotline flows schema`) help them.
 */

const ID = /^[a-z0-9][a-z0-9_-]*$/;
export const nodeId = z.string().regex(ID, 'lowercase letters, digits, - and _');
const promptId = z.string().regex(/^[a-z0-9_-]+$/, 'a prompt id from media/prompts');
const digitKey = z.string().regex(/^[0-9*#]$/, 'one key: 0-9, * or #');
const language = z.enum(['en', 'zh']);
const ms = (min: number, max: number, def: number) =>
  z.number().int().min(min).max(max).default(def);
/** Text people read (the flow's description, callback slots in records and requests). */
const text = (max: number) => z.string().min(1).max(max).refine(noControl, NO_CONTROL);

/** What is played: a prompt id, or one of these. */
export const soundSchema = z.union([
  promptId,
  z.strictObject({ prompt: promptId }),
  z.strictObject({ file: z.string().min(1) }),
  z.strictObject({ tone: z.enum(['beep', 'ring', 'busy', 'congestion']) }),
  z.strictObject({
    say: z.enum(['digits', 'number', 'amount', 'date', 'time']),
    value: z.string().min(1),
  }),
]);
const sounds = z.union([soundSchema, z.array(soundSchema).min(1)]);

const keypad = {
  firstDigitTimeoutMs: ms(500, 60_000, 5000),
  interDigitTimeoutMs: ms(500, 30_000, 3000),
  /** How many times the question is asked again after no input or a wrong answer. */
  retries: z.number().int().min(0).max(5).default(2),
  noInput: sounds.optional(),
  noMatch: sounds.optional(),
  /** Where the caller goes when every try failed. */
  onFail: nodeId,
};

const intent = z.strictObject({
  id: nodeId,
  /** What callers say, in the flow's language (Mandarin in characters). */
  phrases: z.array(z.string().min(1)).min(1),
  next: nodeId,
});

const condition = z.union([
  z.strictObject({ open: nodeId }),
  z.strictObject({ closed: nodeId }),
  z.strictObject({ region: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ vip: z.boolean() }),
  z.strictObject({ language }),
  z.strictObject({
    var: z.string().regex(/^[a-zA-Z_][\w.]*$/),
    equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    in: z.array(z.union([z.string(), z.number()])).optional(),
    matches: regexSchema.optional(),
    exists: z.boolean().optional(),
  }),
]);

export const nodeSchema = z.discriminatedUnion('verb', [
  z.strictObject({ verb: z.literal('answer'), next: nodeId }),
  z.strictObject({ verb: z.literal('play'), play: sounds, next: nodeId }),
  z.strictObject({
    verb: z.literal('say'),
    say: z.enum(['digits', 'number', 'amount', 'date', 'time']),
    value: z.string().min(1),
    next: nodeId,
  }),
  z.strictObject({
    verb: z.literal('menu'),
    prompt: sounds,
    /** Keypad choices: key -> node. */
    options: z.record(digitKey, nodeId).default({}),
    /** Spoken choices (speech recognition); the keypad still works while they are heard. */
    intents: z.array(intent).default([]),
    speech: z
      .strictObject({
        /** Below this the answer counts as not understood. */
        minConfidence: z.number().min(0).max(1).default(0),
        endSilenceMs: ms(300, 3000, 800),
        maxSpeechMs: ms(1000, 30_000, 8000),
        /** Failed speech turns before the menu falls back to the keypad only. */
        fallbackAfter: z.number().int().min(1).max(5).default(2),
      })
      .default({ minConfidence: 0, endSilenceMs: 800, maxSpeechMs: 8000, fallbackAfter: 2 }),
    ...keypad,
  }),
  z.strictObject({
    verb: z.literal('gather'),
    prompt: sounds,
    minDigits: z.number().int().min(1).max(32).default(1),
    maxDigits: z.number().int().min(1).max(32).default(16),
    terminator: digitKey.default('#'),
    /** The digits must match this, else it counts as a wrong answer. */
    pattern: regexSchema.optional(),
    /** The variable the digits go into. */
    saveAs: z.string().regex(/^[a-zA-Z_]\w*$/),
    /**
     * The digits are personal data (a card, an ID, a phone number): the variable has them for the
     * flow (templates, lookups, saying them back), the call's record, timeline, logs and the API
     * show them as `*`. false only for codes that are not (a product code the record may show).
     */
    sensitive: z.boolean().default(true),
    next: nodeId,
    ...keypad,
  }),
  z.strictObject({
    verb: z.literal('branch'),
    when: z.array(z.strictObject({ if: condition, goto: nodeId })).min(1),
    otherwise: nodeId,
  }),
  z.strictObject({
    verb: z.literal('set'),
    vars: z.record(
      z.string().regex(/^[a-zA-Z_]\w*$/),
      z.union([z.string(), z.number(), z.boolean()]),
    ),
    next: nodeId,
  }),
  z.strictObject({
    verb: z.literal('http'),
    url: z.string().regex(/^https?:\/\//, 'an http(s) URL'),
    method: z.enum(['GET', 'POST']).default('GET'),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    timeoutMs: ms(100, 10_000, 2000),
    /** The JSON answer goes into this variable. */
    saveAs: z.string().regex(/^[a-zA-Z_]\w*$/),
    next: nodeId,
    /** Taken on a timeout, a refused connection, a non-2xx status or a body that is not JSON. */
    onError: nodeId,
  }),
  z.strictObject({
    verb: z.literal('queue'),
    queue: z.string().min(1),
    /** Higher is served first; a number or a template such as "{{vars.customer.priority}}". */
    priority: z.union([z.number().int().min(0).max(999), z.string()]).default(0),
    /** After the queue gave up (wait too long, nobody logged in): voicemail, a callback... */
    next: nodeId.optional(),
  }),
  z.strictObject({
    verb: z.literal('transfer'),
    /** A phone number (dialled through the carrier trunk) or a media-server endpoint / SIP URI. */
    to: z.string().min(1),
    ringSeconds: z.number().int().min(5).max(120).default(30),
    onFail: nodeId,
  }),
  z.strictObject({
    verb: z.literal('voicemail'),
    mailbox: z.string().regex(/^[\w-]+$/),
    prompt: sounds.optional(),
    maxSeconds: z.number().int().min(5).max(600).default(120),
  }),
  z.strictObject({
    verb: z.literal('callback'),
    /** Asked first: 1 for the number calling now, 2 to key another. */
    prompt: sounds.optional(),
    /** Asked next: when to call back (keys mapped to slots). */
    whenPrompt: sounds.optional(),
    slots: z
      .record(digitKey, text(64))
      .default({ '1': 'asap', '2': 'morning', '3': 'afternoon', '4': 'evening' }),
    confirm: sounds.optional(),
    /**
     * A number keyed in is personal data: the callback request keeps it (it is needed to call
     * back, and expires), the call's record and timeline show it as `*`. false shows it there.
     */
    sensitive: z.boolean().default(true),
  }),
  z.strictObject({
    verb: z.literal('language'),
    prompt: sounds,
    options: z.record(digitKey, language),
    ...keypad,
    next: nodeId,
  }),
  z.strictObject({ verb: z.literal('hangup'), prompt: sounds.optional() }),
]);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

/** Opening hours with public holidays and the working weekends China moves around them. */
export const calendarSchema = z.strictObject({
  timezone: z.string().default('Asia/Shanghai'),
  days: z
    .array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']))
    .min(1)
    .default(['mon', 'tue', 'wed', 'thu', 'fri']),
  open: hhmm.default('09:00'),
  close: hhmm.default('18:00'),
  holidays: z.array(day).default([]),
  /** Weekend days that are working days (调休). */
  workdays: z.array(day).default([]),
});

export const flowFileSchema = z.strictObject({
  flow: nodeId,
  description: text(500).optional(),
  /** Exact called numbers this flow serves. */
  numbers: z.array(z.string().regex(/^\+?\d{3,20}$/, 'digits only')).default([]),
  /** Or regular expressions over the called number (tried after every exact number). */
  patterns: z.array(regexSchema).default([]),
  language,
  start: nodeId,
  calendars: z.record(nodeId, calendarSchema).default({}),
  nodes: z.record(nodeId, nodeSchema),
});

export type FlowFile = z.infer<typeof flowFileSchema>;
export type FlowNode = z.infer<typeof nodeSchema>;
export type Sound = z.infer<typeof soundSchema>;
export type Sounds = z.infer<typeof sounds>;
export type Condition = z.infer<typeof condition>;
export type Calendar = z.infer<typeof calendarSchema>;
export type Language = z.infer<typeof language>;

/** A loaded flow: the file's content plus where it came from and which version it is. */
export interface Flow extends FlowFile {
  file: string;
  /** Content hash: a call keeps the version it started with, and its record says which. */
  version: string;
}

/** JSON Schema for editors (VS Code's YAML extension and others). */
export function flowJsonSchema(): unknown {
  return z.toJSONSchema(flowFileSchema, { io: 'input', unrepresentable: 'any' });
}
