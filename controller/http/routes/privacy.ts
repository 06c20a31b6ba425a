import { z } from 'zod';
import { eraseCaller } from '../../privacy/erase.js';
import { ApiError } from '../problem.js';
import { json, route } from '../route.js';

const number = z
  .string()
  .regex(
    /^\+?[\d\s().-]{3,40}$/,
    'a phone number: digits, a leading +, spaces, dashes, dots, brackets',
  );
const ids = z.array(z.string());
const report = z.object({
  numbers: z.array(z.string()).describe('the numbers asked about, masked'),
  dryRun: z.boolean(),
  callRecords: z.object({ erased: ids, inProgress: ids }),
  history: z.number().int(),
  callbacks: z.object({ erased: ids }),
  voicemails: z.object({ erased: ids, audioDeleted: z.number().int() }),
  recordings: z
    .object({
      deleted: ids,
      held: ids,
      busy: ids,
      pending: ids,
      failed: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })),
    })
    .optional(),
  complete: z.boolean(),
});

/** Data-subject requests (PIPL, GDPR): erase what hotline holds about a caller. */
export const privacyRoutes = [
  route({
    method: 'post',
    path: '/v1/privacy/erase',
    summary:
      'Erase what is kept about a caller (call records, history, callbacks, voicemail, recordings not on legal hold)',
    tag: 'privacy',
    roles: ['admin'],
    body: z.strictObject({
      numbers: z
        .array(number)
        .min(1)
        .max(10)
        .describe(
          'every form the caller number may have arrived in, e.g. 13812345678 and +8613812345678',
        ),
      dryRun: z.boolean().default(false).describe('only report what would be erased'),
    }),
    needs: ['redis'],
    responses: {
      200: { description: 'what was found and erased, and what is left and why', schema: report },
    },
    handler: async ({ c, deps, body, principal, log }) => {
      if (!deps.privacy)
        throw new ApiError(503, 'REDIS_UNAVAILABLE', 'erasure is not available on this controller');
      const r = await eraseCaller(deps.privacy, body.numbers, { dryRun: body.dryRun });
      // Who asked is the audit trail of the erasure; the numbers only masked.
      log.info(
        { by: principal.id, numbers: r.numbers, dryRun: r.dryRun, complete: r.complete },
        'erasure requested through the API',
      );
      return json(c, 200, r);
    },
  }),
];
