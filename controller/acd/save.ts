import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  isCollection,
  isMap,
  isNode,
  isSeq,
  parseDocument,
  visit,
  YAMLSeq,
  type Document,
  type Node,
  type YAMLMap,
} from 'yaml';
import { HotlineError } from '../../lib/errors.js';
import { quoteAmbiguous } from '../../lib/yaml.js';
import { agentSchema, queueSchema, type AgentConfig, type QueueConfig } from './config-schema.js';

/**
 * Writes run-time routing changes back to dialplan/routing/{agents,queues}.yaml, so a restart
 * serves what was serving. The file ends up listing exactly the entries given (those in service),
 * but is edited in place: comments, key order and styles of what did not change stay, a changed
 * entry keeps its position, and a value equal to the schema's default is not spelled out. A string
 * that a YAML 1.1 or 1.2 reader would take for anything else (`yes`, `0755`) is written quoted.
 * Synchronous on purpose: two API changes can never interleave their read-modify-write.
 */
export function saveAgents(folder: string, agents: readonly AgentConfig[]): void {
  saveList(join(folder, 'agents.yaml'), 'agents', agents, agentSchema);
}

export function saveQueues(folder: string, queues: readonly QueueConfig[]): void {
  saveList(join(folder, 'queues.yaml'), 'queues', queues, queueSchema);
}

/** Writes a temporary file beside the target (same file system), flushes it, then renames it over. */
export function writeFileAtomic(file: string, text: string): void {
  // A dot name ending in .tmp: folder readers (*.yaml) and watchers never pick it up as a file.
  const tmp = join(
    dirname(file),
    `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const mode = (statSync(file, { throwIfNoEntry: false })?.mode ?? 0o644) & 0o777;
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

type Entry = { id: string } & Record<string, unknown>;
interface Schema {
  safeParse(v: unknown): { success: true; data: Record<string, unknown> } | { success: false };
}

function saveList(file: string, key: string, entries: readonly Entry[], schema: Schema): void {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  if (doc.errors.length > 0)
    throw new HotlineError(
      'ROUTER_CONFIG_INVALID',
      `${file} no longer parses (edited by hand?); change not saved: ${doc.errors[0]?.message.split('\n')[0] ?? ''}`,
    );
  const found = doc.get(key, true);
  const seq = isSeq(found) ? found : new YAMLSeq();
  if (seq !== found) doc.set(key, seq);
  const wanted = new Map(entries.map((e) => [e.id, e]));
  const seen = new Set<string>();
  seq.items = seq.items.filter((node) => {
    const id = isMap(node) ? String(node.get('id')) : undefined;
    const entry = id === undefined ? undefined : wanted.get(id);
    if (!entry || !id || seen.has(id)) return false;
    seen.add(id);
    merge(doc, node as YAMLMap, entry, schema);
    return true;
  });
  for (const e of entries)
    if (!seen.has(e.id)) seq.add(styled(doc.createNode(minimal(e, schema)), 0));
  visit(doc, {
    Seq: (_key, node) =>
      node.flow && !(node instanceof TightFlowSeq)
        ? Object.assign(new TightFlowSeq(doc.schema), node)
        : undefined,
  });
  quoteAmbiguous(doc);
  // lineWidth 0: a long name stays on its line rather than being folded.
  writeFileAtomic(file, doc.toString({ lineWidth: 0 }));
}

/**
 * The shipped files pad flow maps (`{ tech: 3 }`) but not flow sequences (`[zh, en]`), and yaml
 * has one switch for both: sequences drop the padding themselves, so unchanged lines stay as written.
 */
class TightFlowSeq extends YAMLSeq {
  override toString(...[ctx, onComment, onChompKeep]: Parameters<YAMLSeq['toString']>): string {
    return super.toString(
      ctx && this.flow ? { ...ctx, flowCollectionPadding: '' } : ctx,
      onComment,
      onChompKeep,
    );
  }
}

/** Changes only the keys whose effective value differs; keys absent that equal the default stay absent. */
function merge(doc: Document, node: YAMLMap, entry: Entry, schema: Schema): void {
  const current = node.toJS(doc) as Record<string, unknown>;
  const parsed = schema.safeParse(current);
  const effective = parsed.success ? parsed.data : {};
  for (const [k, v] of Object.entries(entry)) {
    if (v === undefined) continue;
    if (node.has(k) ? isDeepStrictEqual(current[k], v) : isDeepStrictEqual(effective[k], v))
      continue;
    const old = node.get(k, true);
    const next = styled(doc.createNode(v), 1);
    if (isCollection(old) && isCollection(next)) next.flow = old.flow ?? false;
    // A comment beside the old value (`weight: 2  # senior`) describes the key: keep it.
    if (isNode(old))
      Object.assign(next, { comment: old.comment, commentBefore: old.commentBefore });
    node.set(k, next);
  }
  for (const k of Object.keys(current)) if (entry[k] === undefined) node.delete(k);
}

/** The entry without the keys whose value is what the schema would default them to. */
function minimal(entry: Entry, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) {
    if (v === undefined) continue;
    const without = schema.safeParse(
      Object.fromEntries(Object.entries(entry).filter(([key]) => key !== k)),
    );
    if (!(without.success && isDeepStrictEqual(without.data[k], v))) out[k] = v;
  }
  return out;
}

/** Like the shipped files: nested collections of plain values on one line (`skills: { tech: 3 }`). */
function styled<N extends Node>(node: N, depth: number): N {
  if (!isCollection(node)) return node;
  const children = node.items.map((i) => (isMap(node) ? (i as { value: unknown }).value : i));
  for (const c of children) if (isCollection(c)) styled(c, depth + 1);
  node.flow = depth > 0 && children.every((c) => !isCollection(c));
  return node;
}
