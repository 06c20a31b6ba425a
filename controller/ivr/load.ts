import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlFile } from '../config/yaml-file.js';
import { checkFlow, type CheckContext } from './check.js';
import { flowFileSchema, type Flow } from './schema.js';

export interface FolderResult {
  /** Flows that passed every check, by file. */
  flows: Map<string, Flow>;
  /** Files that failed, each with its problems (`file:line: key: reason`). */
  failed: Map<string, string[]>;
  /** Problems across files (one number claimed twice). */
  conflicts: string[];
}

/** Reads and checks one flow file; problems are pushed as `file:line: key: reason`. */
export function loadFlowFile(
  file: string,
  ctx: CheckContext,
  problems: string[],
): Flow | undefined {
  const parsed = parseYamlFile(file, flowFileSchema, problems);
  if (!parsed) return undefined;
  const found = checkFlow(parsed.value, ctx);
  for (const p of found)
    problems.push(`${parsed.where(p.path)}: ${p.path.map(String).join('.')}: ${p.reason}`);
  if (found.length > 0) return undefined;
  const version = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 12);
  return { ...parsed.value, file, version };
}

/** Every `*.yaml` in a folder, each checked on its own, then the numbers across them. */
export function loadFlowFolder(dir: string, ctx: CheckContext): FolderResult {
  const result: FolderResult = { flows: new Map(), failed: new Map(), conflicts: [] };
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))
      .sort();
  } catch (err) {
    result.conflicts.push(
      `${dir}: cannot read the folder (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
    return result;
  }
  for (const name of names) {
    const file = join(dir, name);
    const problems: string[] = [];
    const flow = loadFlowFile(file, ctx, problems);
    if (flow) result.flows.set(file, flow);
    else result.failed.set(file, problems);
  }
  result.conflicts.push(...numberConflicts([...result.flows.values()]));
  return result;
}

/** A number served by two flows, or two flows with one name. */
export function numberConflicts(flows: Flow[]): string[] {
  const out: string[] = [];
  const byNumber = new Map<string, Flow>();
  const byName = new Map<string, Flow>();
  for (const f of flows) {
    const other = byName.get(f.flow);
    if (other)
      out.push(`${f.file}:1: flow: "${f.flow}" is also the name of the flow in ${other.file}`);
    byName.set(f.flow, f);
    for (const n of f.numbers) {
      const owner = byNumber.get(n);
      if (owner) out.push(`${f.file}:1: numbers: ${n} is also served by ${owner.file}`);
      byNumber.set(n, f);
    }
  }
  return out;
}
