/**
 * The human-readable API reference, rendered on the server from the OpenAPI document: no script,
 * no outside assets (controllers often run on closed networks).
 */
export function docsPage(doc: Record<string, unknown>): string {
  const esc = (s: unknown): string =>
    String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
  const paths = doc.paths as Record<
    string,
    Record<
      string,
      {
        summary: string;
        tags: string[];
        'x-roles'?: string[];
        parameters?: { name: string; in: string }[];
        requestBody?: unknown;
        responses: Record<string, { description: string }>;
      }
    >
  >;
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = (op.parameters ?? [])
        .map((p) => `${esc(p.name)} <small>(${esc(p.in)})</small>`)
        .join(', ');
      const codes = Object.entries(op.responses)
        .map(([s, r]) => `<span title="${esc(r.description)}">${esc(s)}</span>`)
        .join(' ');
      const row = `<tr><td><code>${esc(method.toUpperCase())}</code></td><td><code>${esc(path)}</code></td><td>${esc(op.summary)}</td><td>${esc((op['x-roles'] ?? ['public']).join(', '))}</td><td>${params}${op.requestBody ? ' + JSON body' : ''}</td><td>${codes}</td></tr>`;
      const tag = op.tags[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), row]);
    }
  }
  const info = doc.info as { title: string; version: string; description: string };
  const sections = [...byTag]
    .map(
      ([tag, rows]) =>
        `<h2>${esc(tag)}</h2><table><tr><th>method</th><th>path</th><th>what</th><th>roles</th><th>input</th><th>answers</th></tr>${rows.join('')}</table>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(info.title)}</title><style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:75em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}code{font-size:13px}</style></head><body><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p>${esc(info.description)}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Authenticate with <code>X-API-Key: hk_…</code> or <code>Authorization: Bearer …</code>.</p>${sections}</body></html>`;
}
