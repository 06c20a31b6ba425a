import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  apiRequester,
  testApiDeps,
  type TestApi,
  type Answer,
} from '../../../test/fakes/api-deps.js';
import { FlowDirectory } from '../../ivr/directory.js';
import { indexPrompts } from '../../ivr/prompt-index.js';
import { createApi } from '../app.js';
import type { Role } from '../auth/principal.js';
import { flowRoutes } from './flows.js';

let t: TestApi;
let app: Hono;

beforeEach(async () => {
  t = await testApiDeps();
  app = createApi(t.deps, flowRoutes);
});
afterEach(() => t.cleanup());

const call = apiRequester(() => ({ app, t }), 'admin');

const SALES = `# Sales line
flow: sales
numbers: ["4008009001"]
language: en
start: main
nodes:
  main:
    verb: menu
    prompt: menu-main
    options: { "1": team }
    onFail: bye
  team: { verb: queue, queue: tech, next: bye }
  bye: { verb: hangup, prompt: goodbye }
`;

const validate = (name: string, yaml: string, as: Role = 'admin'): Promise<Answer> =>
  call('POST', '/v1/flows/validate', { as, body: { name, yaml } });
const problemsOf = async (name: string, yaml: string): Promise<string[]> => {
  const r = await validate(name, yaml);
  expect(r).toMatchObject({ status: 200, body: { valid: false } });
  return r.body.problems as string[];
};

describe('GET /v1/flows', () => {
  it('lists the flows in service for admins and supervisors', async () => {
    const r = await call('GET', '/v1/flows', { as: 'supervisor' });
    expect(r.status).toBe(200);
    const flows = r.body.flows as {
      name: string;
      file: string;
      numbers: string[];
      nodes: number;
      version: string;
    }[];
    expect(flows.map((f) => [f.name, f.file, f.numbers])).toEqual([
      ['hotline-en', 'hotline-en.yaml', ['4008001234']],
      ['hotline-zh', 'hotline-zh.yaml', ['4008008888']],
    ]);
    expect(flows[0]?.nodes).toBeGreaterThan(10);
    expect(flows[0]?.version).toMatch(/^[0-9a-f]{12}$/);
    expect(await call('GET', '/v1/flows', { as: 'agent' })).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    expect(await call('GET', '/v1/flows', { as: null })).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED' },
    });
  });
});

describe('POST /v1/flows/validate', () => {
  it('accepts a good file and writes nothing', async () => {
    expect(await validate('sales', SALES)).toEqual({
      status: 200,
      type: 'application/json',
      body: { valid: true, problems: [] },
    });
    expect(readdirSync(t.flowsDir).sort()).toEqual([
      'flow.schema.json',
      'hotline-en.yaml',
      'hotline-zh.yaml',
    ]);
  });

  it('reports problems as file:line: key: reason', async () => {
    expect(
      await problemsOf('sales', SALES.replace('start: main', 'start: main\ncolour: red')),
    ).toEqual(['sales.yaml:6: colour: unknown key']);
    expect(await problemsOf('sales', SALES.replace('queue: tech', 'queue: sales'))).toEqual([
      'sales.yaml:12: nodes.team.queue: no queue "sales" in the routing configuration',
    ]);
    expect(await problemsOf('sales', SALES.replace('prompt: goodbye', 'prompt: farewell'))).toEqual(
      [expect.stringMatching(/^sales\.yaml:13: nodes\.bye\.prompt: prompt "farewell" missing/)],
    );
  });

  it('checks numbers and names against the other flows, but not against the file it replaces', async () => {
    expect(await problemsOf('sales', SALES.replace('4008009001', '4008001234'))).toEqual([
      'sales.yaml:1: numbers: 4008001234 is also served by hotline-en.yaml',
    ]);
    expect(await problemsOf('sales', SALES.replace('flow: sales', 'flow: hotline-zh'))).toEqual([
      'sales.yaml:1: flow: "hotline-zh" is also the name of the flow in hotline-zh.yaml',
    ]);
    const en = readFileSync(join(t.flowsDir, 'hotline-en.yaml'), 'utf8');
    expect((await validate('hotline-en', `${en}# edited\n`)).body).toEqual({
      valid: true,
      problems: [],
    });
  });

  it('answers garbage with problems, never a 5xx', async () => {
    const broken = await problemsOf('sales', 'flow: [unclosed\n  nodes: : :\n');
    expect(broken[0]).toMatch(/^sales\.yaml:\d+: yaml: /);
    expect(await problemsOf('sales', 'just a sentence')).toEqual([
      expect.stringMatching(/^sales\.yaml:1: \(top\): /),
    ]);
    expect((await problemsOf('sales', '')).length).toBeGreaterThan(0);
    // An alias bomb: a few lines that expand to millions of nodes.
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'
        .split('')
        .map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ].join('\n');
    expect((await problemsOf('sales', bomb))[0]).toMatch(/^sales\.yaml:1: yaml: /);
    expect(
      await problemsOf('sales', `flow: sales\nnodes: ${'['.repeat(5000)}${']'.repeat(5000)}\n`),
    ).not.toHaveLength(0);
  });

  it('refuses a bad request body with 400', async () => {
    for (const body of [
      { name: 'Sales', yaml: SALES },
      { name: '../etc/x', yaml: SALES },
      { name: 'sales' },
      { name: 'sales', yaml: 42 },
      { name: 'sales', yaml: SALES, activate: true },
      { name: 'sales', yaml: 'x'.repeat(256 * 1024 + 1) },
    ]) {
      expect(await call('POST', '/v1/flows/validate', { body })).toMatchObject({
        status: 400,
        body: { code: 'BODY_INVALID' },
      });
    }
    // 256 KiB counts bytes: 100 Ki three-byte characters are 300 KiB.
    expect(await validate('sales', '中'.repeat(100 * 1024))).toMatchObject({
      status: 400,
      body: { code: 'BODY_INVALID' },
    });
  });

  it('is for admins', async () => {
    expect(await validate('sales', SALES, 'supervisor')).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    expect(
      await call('POST', '/v1/flows/validate', { as: null, body: { name: 'sales', yaml: SALES } }),
    ).toMatchObject({ status: 401 });
  });
});

describe('PUT /v1/flows/{name}', () => {
  it('activates a new flow: written to the folder, serving its number', async () => {
    const r = await call('PUT', '/v1/flows/sales', { body: { yaml: SALES } });
    expect(r).toMatchObject({
      status: 200,
      body: { name: 'sales', file: 'sales.yaml', numbers: ['4008009001'], nodes: 3 },
    });
    expect(readFileSync(join(t.flowsDir, 'sales.yaml'), 'utf8')).toBe(SALES);
    expect(t.deps.flows.forNumber('4008009001')?.flow).toBe('sales');
    expect(readdirSync(t.flowsDir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('replaces a flow; a call holding the old version keeps it', async () => {
    const held = t.deps.flows.forNumber('4008001234');
    const en = readFileSync(join(t.flowsDir, 'hotline-en.yaml'), 'utf8');
    const r = await call('PUT', '/v1/flows/hotline-en', {
      body: {
        yaml: en.replace('description: Customer service line, English', 'description: Edited'),
      },
    });
    expect(r).toMatchObject({ status: 200, body: { name: 'hotline-en', description: 'Edited' } });
    const now = t.deps.flows.forNumber('4008001234');
    expect(now?.version).toBe(r.body.version);
    expect(held?.version).not.toBe(now?.version);
    expect(held?.description).toBe('Customer service line, English');
  });

  it('refuses an invalid flow with 422 FLOW_INVALID and its problems, changing nothing', async () => {
    const r = await call('PUT', '/v1/flows/sales', {
      body: { yaml: SALES.replace('4008009001', '4008008888') },
    });
    expect(r).toMatchObject({
      status: 422,
      body: {
        code: 'FLOW_INVALID',
        errors: ['sales.yaml:1: numbers: 4008008888 is also served by hotline-zh.yaml'],
      },
    });
    expect(await call('PUT', '/v1/flows/sales', { body: { yaml: 'nodes: [' } })).toMatchObject({
      status: 422,
      body: { code: 'FLOW_INVALID' },
    });
    expect(existsSync(join(t.flowsDir, 'sales.yaml'))).toBe(false);
    expect(t.deps.flows.list()).toHaveLength(2);
  });

  it('puts the old file back when the directory refuses what the API accepted', async () => {
    // A directory checking with another context (no prompts, no queues) than the API's.
    const strict = new FlowDirectory(
      t.flowsDir,
      () => ({ prompts: indexPrompts([]), queues: new Set() }),
      t.deps.log,
    );
    const api = createApi({ ...t.deps, flows: strict }, flowRoutes);
    const r = await call('PUT', '/v1/flows/sales', { api, body: { yaml: SALES } });
    expect(r).toMatchObject({ status: 422, body: { code: 'FLOW_INVALID' } });
    expect((r.body.errors as string[]).every((p) => p.startsWith('sales.yaml:'))).toBe(true);
    expect(existsSync(join(t.flowsDir, 'sales.yaml'))).toBe(false);
  });

  it('refuses a name that is not a flow file name, a bad body and other roles', async () => {
    expect(await call('PUT', '/v1/flows/Sales', { body: { yaml: SALES } })).toMatchObject({
      status: 404,
      body: { code: 'PARAMS_INVALID' },
    });
    expect(await call('PUT', '/v1/flows/sales.yaml', { body: { yaml: SALES } })).toMatchObject({
      status: 404,
      body: { code: 'PARAMS_INVALID' },
    });
    expect(
      await call('PUT', '/v1/flows/sales', { body: { yaml: SALES, name: 'sales' } }),
    ).toMatchObject({ status: 400, body: { code: 'BODY_INVALID' } });
    expect(
      await call('PUT', '/v1/flows/sales', { as: 'supervisor', body: { yaml: SALES } }),
    ).toMatchObject({ status: 403 });
    expect(existsSync(join(t.flowsDir, 'sales.yaml'))).toBe(false);
  });
});

describe('numbers', () => {
  it('lists every number and pattern with its flow', async () => {
    await call('PUT', '/v1/flows/sales', {
      body: { yaml: SALES.replace('numbers: ["4008009001"]', 'patterns: ["^4009\\\\d{6}$"]') },
    });
    const r = await call('GET', '/v1/numbers', { as: 'supervisor' });
    expect(r).toMatchObject({
      status: 200,
      body: {
        numbers: [
          { number: '4008001234', flow: 'hotline-en' },
          { number: '4008008888', flow: 'hotline-zh' },
        ],
        patterns: [{ pattern: '^4009\\d{6}$', flow: 'sales' }],
      },
    });
    expect(await call('GET', '/v1/numbers', { as: 'agent' })).toMatchObject({ status: 403 });
  });

  it('tells which flow a called number runs, or 404', async () => {
    await call('PUT', '/v1/flows/sales', {
      body: { yaml: SALES.replace('numbers: ["4008009001"]', 'patterns: ["^4009\\\\d{6}$"]') },
    });
    expect(await call('GET', '/v1/numbers/4008008888', { as: 'supervisor' })).toMatchObject({
      status: 200,
      body: { number: '4008008888', matchedBy: 'number', flow: { name: 'hotline-zh' } },
    });
    expect(await call('GET', '/v1/numbers/4009123456')).toMatchObject({
      status: 200,
      body: { matchedBy: 'pattern', flow: { name: 'sales' } },
    });
    expect(await call('GET', '/v1/numbers/4000000000')).toMatchObject({
      status: 404,
      body: { code: 'FLOW_NOT_FOUND' },
    });
    expect(await call('GET', '/v1/numbers/call-me')).toMatchObject({
      status: 404,
      body: { code: 'PARAMS_INVALID' },
    });
    expect(await call('GET', '/v1/numbers/4008008888', { as: null })).toMatchObject({
      status: 401,
    });
  });
});
