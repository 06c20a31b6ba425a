import { z } from 'zod';
import type { AnyRoute } from './route.js';

const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string().describe('stable machine-readable code'),
  detail: z.string(),
  requestId: z.string().optional(),
});

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'malformed request (JSON, fields, parameters)',
  401: 'no credentials, or unknown, expired or revoked ones',
  403: 'the role may not do this (an agent acting on another)',
  404: 'no such resource',
  409: 'conflicts with its current state (a call that just ended, an illegal agent transition)',
  413: 'body too large',
  415: 'body is not application/json',
  429: 'rate limit; see Retry-After',
  503: 'Redis or the media server is away; the reason is given',
};

function schema(s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

/** The OpenAPI 3.1 document, generated from the route definitions (the only source). */
export function openApiDocument(
  routes: readonly AnyRoute[],
  info: { version: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters: unknown[] = [];
    for (const [where, s] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!s) continue;
      const js = schema(s, 'input') as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, p] of Object.entries(js.properties ?? {})) {
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (js.required ?? []).includes(name),
          schema: p,
        });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, def] of Object.entries(r.responses)) {
      responses[status] = {
        description: def.description,
        ...(def.schema || def.contentType
          ? {
              content: {
                [def.contentType ?? 'application/json']: def.schema
                  ? { schema: schema(def.schema, 'output') }
                  : {},
              },
            }
          : {}),
      };
    }
    const errors = [
      400,
      ...(r.roles.length ? [401, 403, 429] : []),
      ...(r.params ? [404] : []),
      ...(r.body ? [413, 415] : []),
      ...(r.needs?.length ? [503] : []),
    ];
    for (const s of errors)
      responses[String(s)] ??= {
        description: ERROR_DESCRIPTIONS[s],
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      };
    (paths[r.path] ??= {})[r.method] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method}${r.path.replace(/\{(\w+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))}`,
      ...(r.roles.length
        ? { 'x-roles': r.roles, security: [{ apiKey: [] }, { bearer: [] }] }
        : { security: [] }),
      ...(r.self ? { 'x-agent-self': r.self } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schema(r.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'hotline control API',
      version: info.version,
      description:
        'Calls, agents, queues, flows, recordings and events of a hotline contact ' +
        'center. Errors are application/problem+json (RFC 9457) with a stable `code`.',
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'apiKey',
          in: 'header',
          name: 'X-API-Key',
          description: 'hk_<id>_<secret>, from `hotline api key create`',
        },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT (HS256) from POST /v1/tokens, or an API key',
        },
      },
      schemas: { Problem: schema(problemSchema, 'output') },
    },
    paths,
  };
}
