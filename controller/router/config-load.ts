import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { HotlineError } from '../errors.js';
import { agentsFileSchema, queuesFileSchema, type RoutingConfig } from './config-schema.js';

/**
 * Loads and checks dialplan/routing/{agents,queues}.yaml. Every problem is one line,
 * `file:line: key: reason`, and all of them are reported at once; nothing half-valid is returned.
 */
export function loadRouting(dir: string): RoutingConfig {
  const problems: string[] = [];
  const agentsFile = join(dir, 'agents.yaml');
  const queuesFile = join(dir, 'queues.yaml');
  const agents = parseFile(agentsFile, agentsFileSchema, problems);
  const queues = parseFile(queuesFile, queuesFileSchema, problems);
  if (agents && queues) crossCheck(agents.value, queues.value, agents.where, queues.where, problems);
  if (problems.length > 0 || !agents || !queues) {
    throw new HotlineError('ROUTER_CONFIG_INVALID', `routing configuration rejected:\n  ${problems.join('\n  ')}`, { details: { problems } });
  }
  return { skills: queues.value.skills, historyHours: queues.value.historyHours, agents: agents.value.agents, queues: queues.value.queues };
}

type Where = (path: (string | number)[]) => string;

function parseFile<S extends z.ZodType>(file: string, schema: S, problems: string[]): { value: z.infer<S>; where: Where } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    problems.push(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const where: Where = (path) => `${file}:${lineOf(doc, lines, path)}`;
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.push(`${file}:${e.linePos?.[0].line ?? 1}: yaml: ${e.message.split('\n')[0] ?? 'syntax error'}`);
    return undefined;
  }
  const result = schema.safeParse(doc.toJS());
  if (!result.success) {
    for (const issue of result.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [''];
      for (const k of keys) {
        const path = k ? [...issue.path, k] : issue.path;
        const reason = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
        problems.push(`${where(path as (string | number)[])}: ${path.map(String).join('.') || '(top)'}: ${reason}`);
      }
    }
    return undefined;
  }
  return { value: result.data, where };
}

function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number {
  // The deepest node that exists on the path: a missing key points at its parent.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return 1;
}

function crossCheck(
  agents: z.infer<typeof agentsFileSchema>,
  queues: z.infer<typeof queuesFileSchema>,
  agentsAt: Where,
  queuesAt: Where,
  problems: string[],
): void {
  const skills = new Set(queues.skills);
  const agentIds = new Map<string, number>();
  agents.agents.forEach((a, i) => {
    if (agentIds.has(a.id)) problems.push(`${agentsAt(['agents', i, 'id'])}: agents.${i}.id: duplicate of agents.${String(agentIds.get(a.id))}`);
    agentIds.set(a.id, i);
    for (const s of Object.keys(a.skills)) {
      if (!skills.has(s)) problems.push(`${agentsAt(['agents', i, 'skills', s])}: agents.${i}.skills.${s}: unknown skill (declare it in queues.yaml skills)`);
    }
  });
  const queueIds = new Map<string, number>();
  queues.queues.forEach((q, i) => {
    if (queueIds.has(q.id)) problems.push(`${queuesAt(['queues', i, 'id'])}: queues.${i}.id: duplicate of queues.${String(queueIds.get(q.id))}`);
    queueIds.set(q.id, i);
    if (!skills.has(q.skill)) problems.push(`${queuesAt(['queues', i, 'skill'])}: queues.${i}.skill: unknown skill ${q.skill}`);
    const last = q.steps.length - 1;
    q.steps.forEach((step, s) => {
      if (s < last && step.timeoutSeconds === undefined) problems.push(`${queuesAt(['queues', i, 'steps', s])}: queues.${i}.steps.${s}.timeoutSeconds: every step but the last needs a timeout`);
    });
  });
  queues.queues.forEach((q, i) => {
    if (q.overflow?.type === 'queue' && !queueIds.has(q.overflow.target)) {
      problems.push(`${queuesAt(['queues', i, 'overflow', 'target'])}: queues.${i}.overflow.target: unknown queue ${q.overflow.target}`);
    }
  });
  // Overflow chains must end: a -> b -> a would bounce a caller forever.
  for (const [i, q] of queues.queues.entries()) {
    const seen = [q.id];
    let next = q.overflow?.type === 'queue' ? q.overflow.target : undefined;
    while (next !== undefined) {
      if (seen.includes(next)) {
        problems.push(`${queuesAt(['queues', i, 'overflow'])}: queues.${i}.overflow: loop ${[...seen, next].join(' -> ')}`);
        break;
      }
      seen.push(next);
      const target = queues.queues[queueIds.get(next) ?? -1];
      next = target?.overflow?.type === 'queue' ? target.overflow.target : undefined;
    }
  }
}
