import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { HotlineError } from '../errors.js';
import { checkRouting, describeProblem } from './config-check.js';
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
  if (agents && queues) {
    const at = { agents: agents.where, queues: queues.where };
    for (const p of checkRouting({ skills: queues.value.skills, agents: agents.value.agents, queues: queues.value.queues })) {
      problems.push(`${at[p.file](p.path)}: ${describeProblem(p)}`);
    }
  }
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
