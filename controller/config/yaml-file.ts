import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';

/**
 * Reads a YAML file an admin wrote and checks it against a schema. Problems are pushed as one
 * line each, `file:line: key: reason`, all at once; `where` turns a key path into `file:line` for
 * later cross-reference checks. Duplicate keys are syntax errors.
 */
export type Where = (path: (string | number)[]) => string;

export function parseYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
  problems: string[],
): { value: z.infer<S>; where: Where } | undefined {
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
    for (const e of doc.errors)
      problems.push(
        `${file}:${e.linePos?.[0].line ?? 1}: yaml: ${e.message.split('\n')[0] ?? 'syntax error'}`,
      );
    return undefined;
  }
  const result = schema.safeParse(doc.toJS());
  if (!result.success) {
    for (const issue of result.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys : [''];
      for (const k of keys) {
        const path = k ? [...issue.path, k] : issue.path;
        const reason = issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message;
        problems.push(
          `${where(path as (string | number)[])}: ${path.map(String).join('.') || '(top)'}: ${reason}`,
        );
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
