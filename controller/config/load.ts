import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { HotlineError } from '../../lib/errors.js';
import { configSchema, type Config } from './schema.js';

export const ENV_PREFIX = 'HOTLINE_';

/** Environment variables that are not configuration overrides. */
// HOTLINE_TEST_CRASH_AT: the recordings crash tests' kill switch (see cli/commands/recordings.ts).
// HOTLINE_FS_SOURCES, HOTLINE_DEBIAN_MIRROR: where the lab builds FreeSWITCH and Asterisk from (tools/lab/).
const NOT_CONFIG = new Set([
  'HOTLINE_CONFIG',
  'HOTLINE_LAB_NO_CONTROLLER',
  'HOTLINE_TEST_CRASH_AT',
  'HOTLINE_FS_SOURCES',
  'HOTLINE_DEBIAN_MIRROR',
]);

export interface LoadOptions {
  /** A YAML file; undefined means defaults plus environment. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

/**
 * Reads the YAML file, applies HOTLINE_* environment overrides, validates. Any problem throws
 * CONFIG_INVALID whose message names the key, the value, where it came from and what was expected.
 */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const raw = opts.file === undefined ? {} : readYaml(opts.file);
  const sources = new Map<string, string>();
  applyEnv(raw, env, sources);
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => describeIssue(issue, raw, sources, opts.file));
  throw new HotlineError('CONFIG_INVALID', `invalid configuration:\n  ${lines.join('\n  ')}`, {
    details: { problems: lines },
  });
}

function readYaml(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown';
    throw new HotlineError(
      'CONFIG_INVALID',
      `invalid configuration: cannot read ${file} (${code})`,
      { cause: err },
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: true });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? `:${err.linePos[0].line}` : '';
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new HotlineError(
      'CONFIG_INVALID',
      `invalid configuration: ${file}${where}: not valid YAML: ${why}`,
      { cause: err },
    );
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new HotlineError(
      'CONFIG_INVALID',
      `invalid configuration: ${file}: expected a mapping of settings at the top level`,
    );
  }
  return doc as Record<string, unknown>;
}

/**
 * HOTLINE_API_PORT=9000 sets api.port; HOTLINE_MEDIA_SERVERS_0_PASSWORD sets
 * mediaServers[0].password. Names are matched against the schema's keys (camelCase as SNAKE_CASE),
 * values are read as YAML scalars so numbers and booleans keep their types.
 */
function applyEnv(
  raw: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  sources: Map<string, string>,
): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || NOT_CONFIG.has(name) || value === undefined) continue;
    const tokens = name.slice(ENV_PREFIX.length).split('_');
    const path = resolvePath(tokens);
    if (!path) {
      throw new HotlineError(
        'CONFIG_INVALID',
        `invalid configuration: ${name} names no setting (see the configuration reference in README.md)`,
      );
    }
    // Overriding a field of the default media server keeps the rest of that default.
    if (path[0] === 'mediaServers' && raw.mediaServers === undefined)
      raw.mediaServers = [{ id: 'asterisk-lab', kind: 'asterisk' }];
    setPath(raw, path, parseScalar(value));
    sources.set(path.join('.'), name);
  }
}

type Shape = Record<string, z.ZodType>;

function resolvePath(tokens: string[]): (string | number)[] | undefined {
  const walk = (schema: z.ZodType, rest: string[]): (string | number)[] | undefined => {
    if (rest.length === 0) return [];
    const inner = unwrap(schema);
    const def = inner.def as {
      type: string;
      shape?: Shape;
      element?: z.ZodType;
      options?: z.ZodType[];
    };
    // A choice of shapes (recordings.cold: folder or s3): the first whose keys match.
    if (def.type === 'union' && def.options) {
      for (const option of def.options) {
        const path = walk(option, rest);
        if (path) return path;
      }
      return undefined;
    }
    if (def.type === 'object' && def.shape) {
      for (let n = rest.length; n >= 1; n--) {
        const want = rest.slice(0, n).join('_');
        const key = Object.keys(def.shape).find((k) => snake(k) === want);
        const child = key === undefined ? undefined : def.shape[key];
        if (key === undefined || child === undefined) continue;
        const tail = walk(child, rest.slice(n));
        if (tail) return [key, ...tail];
      }
      return undefined;
    }
    if (def.type === 'array' && def.element && /^\d+$/.test(rest[0] ?? '')) {
      const tail = walk(def.element, rest.slice(1));
      return tail ? [Number(rest[0]), ...tail] : undefined;
    }
    return undefined;
  };
  return walk(configSchema, tokens);
}

function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = s.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    if (
      (def.type === 'default' ||
        def.type === 'optional' ||
        def.type === 'nullable' ||
        def.type === 'prefault') &&
      def.innerType
    )
      s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else return s;
  }
}

const snake = (key: string): string => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

function setPath(root: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = root;
  path.forEach((key, i) => {
    if (i === path.length - 1) {
      node[key] = value;
      return;
    }
    const nextIsIndex = typeof path[i + 1] === 'number';
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = nextIsIndex ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
  // An array entry created only by the environment still needs its discriminating fields.
  if (path[0] === 'mediaServers' && typeof path[1] === 'number') {
    const entry = (root.mediaServers as Record<string, unknown>[])[path[1]];
    if (entry && entry.kind === undefined) entry.kind = 'asterisk';
  }
}

function parseScalar(value: string): unknown {
  try {
    const parsed: unknown = parseYaml(value);
    return parsed === null || typeof parsed === 'object' ? value : parsed;
  } catch {
    return value;
  }
}

function describeIssue(
  issue: z.core.$ZodIssue,
  raw: unknown,
  sources: Map<string, string>,
  file?: string,
): string {
  const key = issue.path.map(String).join('.') || '(top level)';
  const from = sources.get(key) ?? (file ? file : 'defaults');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => (issue.path.length ? `${key}.${k}` : k));
    return `${keys.join(', ')}: unknown setting (${from}); check the spelling against the configuration reference`;
  }
  const value = getPath(raw, issue.path);
  const shown = value === undefined ? 'missing' : `got ${JSON.stringify(value)}`;
  const redacted = /password|secret|key$/i.test(key) && value !== undefined ? 'got a value' : shown;
  return `${key}: ${redacted} (${from}); expected ${expected(issue)}`;
}

function expected(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'too_small':
      return `${issue.origin === 'string' ? 'length' : 'value'} >= ${String(issue.minimum)}${issue.message.includes('at least') ? ` (${issue.message})` : ''}`;
    case 'too_big':
      return `${issue.origin === 'string' ? 'length' : 'value'} <= ${String(issue.maximum)}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

function getPath(root: unknown, path: PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
