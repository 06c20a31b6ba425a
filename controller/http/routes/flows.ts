import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { readCatalogue } from '../../../media/prompts.js';
import type { CheckContext } from '../../ivr/check.js';
import { loadFlowFile, numberConflicts } from '../../ivr/load.js';
import { indexPrompts } from '../../ivr/prompt-index.js';
import type { Flow } from '../../ivr/schema.js';
import { writeFileAtomic } from '../../acd/save.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../problem.js';
import { json, route } from '../route.js';

const MAX_YAML = 256 * 1024;
const flowName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'a file name: lowercase letters, digits, - and _ (at most 63)',
  );
// Characters first (cheap, and never fewer than bytes), then the UTF-8 size itself.
const yamlText = z
  .string()
  .max(MAX_YAML)
  .refine((s) => Buffer.byteLength(s, 'utf8') <= MAX_YAML, 'at most 256 KiB');
const summarySchema = z.object({
  name: z.string(),
  version: z.string(),
  file: z.string(),
  description: z.string().optional(),
  language: z.string(),
  numbers: z.array(z.string()),
  patterns: z.array(z.string()),
  nodes: z.number().int(),
});
const checkResult = z.object({ valid: z.boolean(), problems: z.array(z.string()) });

/** What the API shows of a flow: never its full path on the controller. */
function summary(f: Flow): z.infer<typeof summarySchema> {
  return {
    name: f.flow,
    version: f.version,
    file: basename(f.file),
    description: f.description,
    language: f.language,
    numbers: f.numbers,
    patterns: f.patterns,
    nodes: Object.keys(f.nodes).length,
  };
}

/**
 * The context the controller checks flows with (main.ts builds the same): the default prompt
 * catalogue and the queues in service. Read per request: validation is rare, and this way a new
 * prompt or queue counts at once.
 */
async function checkContext(deps: ApiDeps): Promise<CheckContext> {
  return {
    prompts: indexPrompts(await readCatalogue()),
    queues: new Set(deps.routing.config.queues.map((q) => q.id)),
  };
}

/** Paths in problems as the admin knows them: `hotline-en.yaml:6: ...`, not the controller's folders. */
const shorten = (problems: string[], dirs: string[]): string[] =>
  problems.map((p) => dirs.reduce((s, d) => s.replaceAll(`${d}/`, ''), p));

/**
 * Checks a proposed `<name>.yaml` exactly as the folder loader would (written to a scratch folder
 * and read back), then its numbers and name against the other flows in service. Synchronous.
 */
function check(
  deps: ApiDeps,
  ctx: CheckContext,
  name: string,
  yaml: string,
): { flow?: Flow; problems: string[] } {
  const scratch = mkdtempSync(join(tmpdir(), 'hotline-flow-check-'));
  const file = join(scratch, `${name}.yaml`);
  const problems: string[] = [];
  try {
    writeFileSync(file, yaml);
    let flow: Flow | undefined;
    try {
      flow = loadFlowFile(file, ctx, problems);
    } catch (err) {
      // The loader trusts the parser; hostile YAML (alias bombs, deep nesting) makes it throw.
      problems.push(
        `${file}:1: yaml: ${err instanceof Error ? err.message.split('\n')[0] : 'unreadable'}`,
      );
    }
    if (!flow) return { problems: shorten(problems, [scratch]) };
    const target = join(deps.flows.dir, `${name}.yaml`);
    const candidate = { ...flow, file: target };
    // The candidate last, so every conflict is reported on it; older conflicts are not its business.
    const conflicts = numberConflicts([
      ...deps.flows.list().filter((f) => f.file !== target),
      candidate,
    ]).filter((p) => p.startsWith(`${target}:`));
    if (conflicts.length > 0) return { problems: shorten(conflicts, [deps.flows.dir]) };
    return { flow: candidate, problems: [] };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const invalid = (name: string, problems: string[]): ApiError =>
  new ApiError(
    422,
    'FLOW_INVALID',
    `flow file ${name}.yaml refused: ${problems.length} problem(s)`,
    { errors: problems },
  );

/** Numbers and the flows they run: list, validate a proposed file, activate. */
export const flowRoutes = [
  route({
    method: 'get',
    path: '/v1/flows',
    summary: 'List the flows in service',
    tag: 'flows',
    roles: ['admin', 'supervisor'],
    responses: {
      200: {
        description: 'every flow in service',
        schema: z.object({ flows: z.array(summarySchema) }),
      },
    },
    handler: ({ c, deps }) =>
      json(c, 200, {
        flows: deps.flows
          .list()
          .map(summary)
          .sort((a, b) => a.file.localeCompare(b.file)),
      }),
  }),
  route({
    method: 'post',
    path: '/v1/flows/validate',
    // A flow file of up to 256 KiB, JSON-escaped.
    bodyBytes: 600_000,
    summary: 'Check a proposed flow file without activating it',
    tag: 'flows',
    roles: ['admin'],
    body: z.strictObject({ name: flowName, yaml: yamlText }),
    responses: {
      200: {
        description: 'the verdict; problems as `file:line: key: reason`',
        schema: checkResult,
      },
    },
    handler: async ({ c, deps, body }) => {
      const { problems } = check(deps, await checkContext(deps), body.name, body.yaml);
      return json(c, 200, { valid: problems.length === 0, problems });
    },
  }),
  route({
    method: 'put',
    path: '/v1/flows/{name}',
    // A flow file of up to 256 KiB, JSON-escaped.
    bodyBytes: 600_000,
    summary: 'Activate a flow file (calls in progress keep their version)',
    tag: 'flows',
    roles: ['admin'],
    params: z.strictObject({ name: flowName }),
    body: z.strictObject({ yaml: yamlText }),
    responses: {
      200: { description: 'the flow now in service', schema: summarySchema },
      422: { description: 'FLOW_INVALID: the problems are in `errors`' },
    },
    handler: async ({ c, deps, params, body, log }) => {
      const ctx = await checkContext(deps);
      // From here on synchronous: no other activation can slip between the check and the reload.
      const checked = check(deps, ctx, params.name, body.yaml);
      if (!checked.flow) throw invalid(params.name, checked.problems);
      const target = checked.flow.file;
      const previous = readIfExists(target);
      writeFileAtomic(target, body.yaml);
      const reported = deps.flows.reload();
      const live = deps.flows.list().find((f) => f.file === target);
      if (live?.version !== checked.flow.version) {
        // The directory refused what the API accepted (its own check context differs): put the old file back.
        if (previous === undefined) rmSync(target, { force: true });
        else writeFileAtomic(target, previous);
        deps.flows.reload();
        const mine = reported.filter((p) => p.includes(target));
        throw invalid(params.name, shorten(mine.length > 0 ? mine : reported, [deps.flows.dir]));
      }
      log.info(
        { flow: live.flow, version: live.version, file: basename(target) },
        'flow activated',
      );
      return json(c, 200, summary(live));
    },
  }),
  route({
    method: 'get',
    path: '/v1/numbers',
    summary: 'List the called numbers and patterns with the flow serving each',
    tag: 'flows',
    roles: ['admin', 'supervisor'],
    responses: {
      200: {
        description: 'exact numbers (tried first), then patterns in the order they are tried',
        schema: z.object({
          numbers: z.array(z.object({ number: z.string(), flow: z.string(), version: z.string() })),
          patterns: z.array(
            z.object({ pattern: z.string(), flow: z.string(), version: z.string() }),
          ),
        }),
      },
    },
    handler: ({ c, deps }) => {
      const flows = deps.flows.list().sort((a, b) => a.file.localeCompare(b.file));
      const numbers = flows
        .flatMap((f) => f.numbers.map((number) => ({ number, flow: f.flow, version: f.version })))
        .sort((a, b) => a.number.localeCompare(b.number));
      const patterns = flows.flatMap((f) =>
        f.patterns.map((pattern) => ({ pattern, flow: f.flow, version: f.version })),
      );
      return json(c, 200, { numbers, patterns });
    },
  }),
  route({
    method: 'get',
    path: '/v1/numbers/{number}',
    summary: 'Which flow a called number runs',
    tag: 'flows',
    roles: ['admin', 'supervisor'],
    params: z.strictObject({ number: z.string().regex(/^\+?\d{3,20}$/, 'digits only') }),
    responses: {
      200: {
        description: 'the flow, and whether the exact number or a pattern matched',
        schema: z.object({
          number: z.string(),
          matchedBy: z.enum(['number', 'pattern']),
          flow: summarySchema,
        }),
      },
    },
    handler: ({ c, deps, params }) => {
      const flow = deps.flows.forNumber(params.number);
      if (!flow) throw new ApiError(404, 'FLOW_NOT_FOUND', `no flow serves ${params.number}`);
      return json(c, 200, {
        number: params.number,
        matchedBy: flow.numbers.includes(params.number) ? 'number' : 'pattern',
        flow: summary(flow),
      });
    },
  }),
];
