import { Document, parse, visit, type ToStringOptions } from 'yaml';

/**
 * YAML the project writes, read the same by every YAML version. YAML 1.1 readers (PyYAML, Ruby,
 * older Go and Java libraries, many editors' tools) take a plain `yes`, `no`, `on`, `off`, `y`,
 * `n`, `12:30` (base 60), `0755` (octal) or `2026-01-01` (a timestamp) for something other than
 * the string written; YAML 1.2 readers read the same text as strings. So a string whose plain form
 * either version would read as anything else is written quoted: `name: "yes"`.
 */
export function quoteAmbiguous(doc: Document): void {
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      if (node.type !== undefined && node.type !== 'PLAIN') return;
      if (!plainReadsAsItself(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
}

/** A value as YAML text, with every ambiguous string quoted (see `quoteAmbiguous`). */
export function toYaml(value: unknown, options: ToStringOptions = {}): string {
  const doc = new Document(value);
  quoteAmbiguous(doc);
  return doc.toString(options);
}

function plainReadsAsItself(text: string): boolean {
  for (const version of ['1.1', '1.2'] as const) {
    try {
      if (parse(text, { version, logLevel: 'silent' }) !== text) return false;
    } catch {
      return false;
    }
  }
  return true;
}
