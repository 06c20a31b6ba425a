/**
 * cJSON output as FreeSWITCH prints it: cJSON_PrintUnformatted for `show channels as json`, and
 * cJSON_Print (tabs, `"key":\tvalue`, `[{`…`}, {`…`}]`) for `conference json_list` without
 * `compact` (conference_api_sub_json_list). Objects keep insertion order (a Map), so keys that
 * look like integers do not move to the front as they would in a JS object.
 */
export type CJValue = string | number | boolean | null | CJValue[] | CJObject;
export type CJObject = Map<string, CJValue>;

export function cjObject(entries: readonly (readonly [string, CJValue])[]): CJObject {
  return new Map(entries.map(([k, v]) => [k, v]));
}

function str(s: string): string {
  // cJSON escapes ", \, \b \f \n \r \t and other control characters as \u00XX, as JSON.stringify does.
  return JSON.stringify(s);
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(6);
}

export function cjPrint(value: CJValue, formatted: boolean, depth = 0): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return str(value);
  if (typeof value === 'number') return num(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    return `[${value.map((v) => cjPrint(v, formatted, depth + 1)).join(formatted ? ', ' : ',')}]`;
  }
  if (!formatted)
    return `{${[...value].map(([k, v]) => `${str(k)}:${cjPrint(v, false)}`).join(',')}}`;
  if (value.size === 0) return `{\n${'\t'.repeat(Math.max(0, depth - 1))}}`;
  const inner = depth + 1;
  const lines = [...value].map(
    ([k, v]) => `${'\t'.repeat(inner)}${str(k)}:\t${cjPrint(v, true, inner)}`,
  );
  return `{\n${lines.join(',\n')}\n${'\t'.repeat(depth)}}`;
}
