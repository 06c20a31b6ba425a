import { Readable } from 'node:stream';
import { z } from 'zod';
import { findRecording, openRecording } from '../../../recordings/access.js';
import { isHotlineError } from '../../../lib/errors.js';
import { location, type RecordingEntry } from '../../../recordings/catalogue/entry.js';
import { setLegalHold } from '../../../recordings/hold.js';
import { auditName } from '../auth/principal.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../problem.js';
import { json, route } from '../route.js';

const recParam = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/) });
const iso = z.iso.datetime({ offset: true });
const summary = z
  .object({
    id: z.string(),
    callId: z.string(),
    number: z.string(),
    callerMasked: z.string(),
    tier: z.string(),
    location: z.string(),
    startedAt: z.string(),
    durationMs: z.number(),
    legalHold: z.boolean(),
  })
  .loose();

function recordings(deps: ApiDeps): NonNullable<ApiDeps['recordings']> {
  if (!deps.recordings)
    throw new ApiError(503, 'RECORDINGS_DISABLED', 'recording is turned off on this controller');
  return deps.recordings;
}

/** What the API shows of an entry: never the wrapped data key or the caller hash. */
function publicView(e: RecordingEntry): Record<string, unknown> {
  const { dataKey: _k, callerHash: _h, stale: _s, ...rest } = e;
  return { ...rest, location: location(e) };
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range; several are answered whole, as RFC 9110 allows). */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end?: number } | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') return { start: Math.max(0, size - Number(m[2])) };
  return { start: Number(m[1]), ...(m[2] ? { end: Number(m[2]) } : {}) };
}

/** Recordings: search, metadata, audio with byte ranges (audited), legal hold. */
export const recordingRoutes = [
  route({
    method: 'get',
    path: '/v1/recordings',
    summary: 'Search recordings by time, agent, queue, number',
    tag: 'recordings',
    roles: ['admin', 'supervisor'],
    query: z.strictObject({
      from: iso.optional(),
      to: iso.optional(),
      agent: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/)
        .optional(),
      queue: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/)
        .optional(),
      number: z
        .string()
        .regex(/^\+?\d{3,20}$/)
        .optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
    needs: ['recordings', 'redis'],
    responses: {
      200: {
        description: 'matching recordings, oldest first',
        schema: z.object({ recordings: z.array(summary) }),
      },
    },
    handler: async ({ c, deps, query }) => {
      const rows = await recordings(deps).deps.catalogue.search({
        from: query.from ? Date.parse(query.from) : undefined,
        to: query.to ? Date.parse(query.to) : undefined,
        agentId: query.agent,
        queue: query.queue,
        number: query.number,
        limit: query.limit,
      });
      return json(c, 200, { recordings: rows.map(publicView) });
    },
  }),
  route({
    method: 'get',
    path: '/v1/recordings/{id}',
    summary: 'Get a recording’s catalogue entry',
    tag: 'recordings',
    roles: ['admin', 'supervisor'],
    params: recParam,
    needs: ['recordings', 'redis'],
    responses: { 200: { description: 'the entry', schema: summary } },
    handler: async ({ c, deps, params }) => {
      return json(c, 200, publicView(await findRecording(recordings(deps).deps, params.id)));
    },
  }),
  route({
    method: 'get',
    path: '/v1/recordings/{id}/audio',
    summary: 'Stream a recording’s audio (Range supported; every listen is audited)',
    tag: 'recordings',
    roles: ['admin', 'supervisor'],
    params: recParam,
    needs: ['recordings', 'redis'],
    responses: {
      200: { description: 'the whole audio', contentType: 'audio/*' },
      206: { description: 'the range asked for', contentType: 'audio/*' },
      416: { description: 'range outside the audio' },
    },
    handler: async ({ c, deps, params, principal }) => {
      const header = c.req.header('range');
      let opened;
      try {
        opened = await openRecording(recordings(deps).deps, params.id, {
          user: auditName(principal),
          range: (size) => parseRange(header, size),
        });
      } catch (err) {
        if (isHotlineError(err, 'RECORDING_RANGE_INVALID'))
          c.header('Content-Range', `bytes */${String(err.details.size)}`);
        throw err;
      }
      c.header('Content-Type', opened.contentType);
      c.header('Accept-Ranges', 'bytes');
      c.header('Cache-Control', 'no-store');
      const r = opened.range;
      c.header('Content-Length', String(r ? r.end - r.start + 1 : opened.size));
      if (r) c.header('Content-Range', `bytes ${r.start}-${r.end}/${opened.size}`);
      return c.body(Readable.toWeb(opened.stream) as ReadableStream, r ? 206 : 200);
    },
  }),
  route({
    method: 'put',
    path: '/v1/recordings/{id}/legal-hold',
    summary: 'Put a recording under legal hold, or release it',
    tag: 'recordings',
    roles: ['admin'],
    params: recParam,
    body: z.strictObject({ hold: z.boolean() }),
    needs: ['recordings', 'redis'],
    responses: { 200: { description: 'the entry', schema: summary } },
    handler: async ({ c, deps, params, body, log }) => {
      const e = await setLegalHold(recordings(deps).deps, params.id, body.hold);
      log.info(
        { recording: params.id, legalHold: body.hold },
        'legal hold changed through the API',
      );
      return json(c, 200, publicView(e));
    },
  }),
];
