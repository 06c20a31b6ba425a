/** What `{{...}}` in a flow may name: the call's numbers, language and variables. */
export interface TemplateScope {
  caller: string;
  called: string;
  language: string;
  vars: Record<string, unknown>;
}

/**
 * Fills `{{caller}}`, `{{called}}`, `{{language}}` and `{{vars.a.b}}`. A name that does not
 * resolve becomes the empty string (a lookup that failed must not put "undefined" in a URL).
 */
export function render(text: string, scope: TemplateScope): string {
  return text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_, name: string) => asText(lookup(name, scope)));
}

/** A variable's value as text: objects as JSON, nothing as ''. */
export function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return value.toString();
  return JSON.stringify(value) ?? '';
}

/** The value a dotted name points at (`vars.customer.tier`), or undefined. */
export function lookup(name: string, scope: TemplateScope): unknown {
  const [head, ...rest] = name.split('.');
  let value: unknown =
    head === 'vars'
      ? scope.vars
      : head === 'caller'
        ? scope.caller
        : head === 'called'
          ? scope.called
          : head === 'language'
            ? scope.language
            : scope.vars[head ?? ''];
  for (const key of rest) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
