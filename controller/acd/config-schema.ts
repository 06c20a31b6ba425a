import { z } from 'zod';
import { NO_CONTROL, noControl } from '../../lib/text.js';
import { STRATEGY_NAMES } from './strategies/index.js';

/** Routing data as admins write it: dialplan/routing/agents.yaml and queues.yaml. */
const id = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)');
const code = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a lowercase code');
/** A name people read (supervisors' screens, the CLI, logs): any script, no control characters. */
export const displayName = z.string().min(1).max(100).refine(noControl, NO_CONTROL);

export const agentSchema = z.strictObject({
  id,
  name: displayName,
  /** Dial string on the media server, e.g. PJSIP/1001 or PJSIP/1001@agents-lab. */
  endpoint: z.string().min(3).max(200),
  /**
   * Dial strings per media server id, where the agent is reached differently from a server
   * (`user/1001@hotline` on a FreeSWITCH); a server without one dials `endpoint`.
   */
  endpoints: z
    .record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/), z.string().min(3).max(200))
    .optional(),
  skills: z
    .record(code, z.number().int().min(1).max(5))
    .refine((s) => Object.keys(s).length > 0, 'at least one skill'),
  regions: z.array(code).default([]),
  languages: z.array(z.enum(['zh', 'en', 'yue'])).default([]),
  weight: z.number().int().min(1, 'a weight of at least 1').max(100).default(1),
  position: z.number().int().min(0).default(0),
});

const overflow = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('queue'), target: id }),
  z.strictObject({ type: z.literal('voicemail') }),
  z.strictObject({ type: z.literal('callback') }),
]);

export const queueSchema = z.strictObject({
  id,
  name: displayName.optional(),
  skill: code,
  strategy: z.enum(STRATEGY_NAMES).default('longest-idle'),
  /** Higher first when one agent could serve several queues. */
  priority: z.number().int().min(0).max(999).default(0),
  serviceLevelSeconds: z.number().int().min(1).max(3600).default(20),
  maxWaitSeconds: z.number().int().min(1).max(86_400).default(300),
  maxLength: z.number().int().min(1).max(100_000).default(100),
  wrapUpSeconds: z.number().int().min(0).max(3600).default(10),
  noAnswerSeconds: z.number().int().min(3).max(300).default(15),
  maxNoAnswer: z.number().int().min(1).max(100).default(3),
  /** Pause before a busy or rejecting agent is offered calls again. */
  busyDelaySeconds: z.number().int().min(0).max(3600).default(10),
  overflow: overflow.optional(),
  musicOnHold: z.string().min(1).default('default'),
  announce: z
    .strictObject({ positionEverySeconds: z.number().int().min(5).max(3600).default(30) })
    .default({ positionEverySeconds: 30 }),
  steps: z
    .array(
      z.strictObject({
        minLevel: z.number().int().min(1).max(5),
        timeoutSeconds: z.number().int().min(1).max(3600).optional(),
      }),
    )
    .min(1)
    .default([{ minLevel: 1 }]),
  preferRegion: z.boolean().default(true),
  /** Record caller and agent: from the moment they connect, never, or when asked (API). */
  record: z.enum(['always', 'never', 'on-demand']).default('always'),
  /** A prompt the caller hears on joining the queue when the conversation may be recorded. */
  recordingConsent: z
    .string()
    .regex(/^[a-z0-9_-]+$/)
    .optional(),
});

export const agentsFileSchema = z.strictObject({ agents: z.array(agentSchema) });
export const queuesFileSchema = z.strictObject({
  /** Every skill the contact center routes on; agents and queues may only name these. */
  skills: z.array(code).min(1),
  /** How long the last agent who served a caller is preferred. */
  historyHours: z
    .number()
    .min(0)
    .max(24 * 90)
    .default(72),
  queues: z.array(queueSchema),
});

export type AgentConfig = z.infer<typeof agentSchema>;
export type QueueConfig = z.infer<typeof queueSchema>;
export interface RoutingConfig {
  skills: string[];
  historyHours: number;
  agents: AgentConfig[];
  queues: QueueConfig[];
}
