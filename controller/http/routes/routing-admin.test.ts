import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiRequester, testApiDeps, type TestApi } from '../../../test/fakes/api-deps.js';
import { RoutingDirectory } from '../../acd/directory.js';
import { createApi } from '../app.js';
import { adminRoutes } from './routing-admin.js';

let t: TestApi;
let app: Hono;

beforeEach(async () => {
  t = await testApiDeps();
  app = createApi(t.deps, adminRoutes);
});
afterEach(() => t.cleanup());

const call = apiRequester(() => ({ app, t }), 'admin');

const file = (name: 'agents.yaml' | 'queues.yaml'): string =>
  readFileSync(join(t.routingDir, name), 'utf8');
const restarted = (): RoutingDirectory => new RoutingDirectory(t.routingDir);
const NEW_AGENT = {
  id: '2001',
  name: 'Zhao Lei',
  endpoint: 'PJSIP/2001@agents-lab',
  skills: { tech: 3 },
};

describe('agents: create, change, delete', () => {
  it('creates an agent, in service and in agents.yaml, with its comments and other entries kept', async () => {
    const before = file('agents.yaml');
    const r = await call('POST', '/v1/agents', { body: NEW_AGENT });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ ...NEW_AGENT, weight: 1, regions: [] });
    expect(t.deps.routing.config.agents.some((a) => a.id === '2001')).toBe(true);
    const after = file('agents.yaml');
    // Everything that was there is there, byte for byte; the new entry follows, defaults left out.
    expect(after.startsWith(before)).toBe(true);
    expect(after.slice(before.length)).toBe(
      '  - id: "2001"\n    name: Zhao Lei\n    endpoint: PJSIP/2001@agents-lab\n    skills: { tech: 3 }\n',
    );
    expect(restarted().config.agents.find((a) => a.id === '2001')).toEqual(
      t.deps.routing.config.agents.find((a) => a.id === '2001'),
    );
  });

  it('refuses an existing id, a bad body, an unknown field and a change the routing cannot take', async () => {
    const before = file('agents.yaml');
    expect(await call('POST', '/v1/agents', { body: { ...NEW_AGENT, id: '1001' } })).toMatchObject({
      status: 409,
      body: { code: 'AGENT_EXISTS' },
    });
    const bad = await call('POST', '/v1/agents', { body: { id: '2001', skills: {} } });
    expect(bad).toMatchObject({
      status: 400,
      type: 'application/problem+json',
      body: { code: 'BODY_INVALID' },
    });
    expect(await call('POST', '/v1/agents', { body: { ...NEW_AGENT, boss: 'me' } })).toMatchObject({
      status: 400,
      body: { code: 'BODY_INVALID' },
    });
    const unknownSkill = await call('POST', '/v1/agents', {
      body: { ...NEW_AGENT, skills: { sales: 2 } },
    });
    expect(unknownSkill).toMatchObject({ status: 422, body: { code: 'ROUTER_CONFIG_INVALID' } });
    expect((unknownSkill.body.errors as string[]).join()).toMatch(/sales/);
    expect(file('agents.yaml')).toBe(before);
    expect(t.deps.routing.config.agents).toHaveLength(4);
  });

  it('changes an agent in place: its position, the other entries and comments stay', async () => {
    const path = join(t.routingDir, 'agents.yaml');
    const commented = file('agents.yaml')
      .replace('    weight: 2\n', '    weight: 2 # senior, takes more calls\n')
      .replace(
        'skills: { billing: 2, tech: 4, general: 3 }\n',
        'skills: { billing: 2, tech: 4, general: 3 } # reviewed in March\n',
      );
    writeFileSync(path, commented);
    t.deps.routing.directory.reload();
    const before = file('agents.yaml');
    const r = await call('PUT', '/v1/agents/1002', {
      body: {
        name: 'Wang Wei',
        endpoint: 'PJSIP/1002@agents-lab',
        skills: { tech: 5, general: 3 },
        languages: ['zh', 'en'],
        regions: ['shanghai'],
        position: 2,
      },
    });
    expect(r).toMatchObject({
      status: 200,
      body: { id: '1002', skills: { tech: 5, general: 3 }, regions: ['shanghai'] },
    });
    // Only the lines of what changed differ; the entry keeps its place.
    const lines = file('agents.yaml').split('\n');
    const old = before.split('\n');
    expect(lines).toHaveLength(old.length);
    expect(lines.filter((l, i) => l !== old[i])).toEqual([
      '    skills: { tech: 5, general: 3 } # reviewed in March',
      '    regions: [shanghai]',
    ]);
    expect(lines).toContain('    weight: 2 # senior, takes more calls');
    expect(restarted().config.agents.find((a) => a.id === '1002')?.skills).toEqual({
      tech: 5,
      general: 3,
    });
    // An id in the body must be the path's.
    expect(
      await call('PUT', '/v1/agents/1002', { body: { ...NEW_AGENT, id: '1003' } }),
    ).toMatchObject({ status: 400, body: { code: 'BODY_INVALID' } });
    expect(
      await call('PUT', '/v1/agents/1002', { body: { ...NEW_AGENT, id: '1002' } }),
    ).toMatchObject({ status: 200 });
  });

  it('answers 404 for an unknown agent or an id that cannot be one', async () => {
    expect(await call('PUT', '/v1/agents/9999', { body: NEW_AGENT })).toMatchObject({
      status: 404,
      body: { code: 'AGENT_NOT_FOUND' },
    });
    expect(await call('DELETE', '/v1/agents/9999')).toMatchObject({
      status: 404,
      body: { code: 'AGENT_NOT_FOUND' },
    });
    expect(await call('DELETE', `/v1/agents/${'x'.repeat(65)}`)).toMatchObject({
      status: 404,
      body: { code: 'PARAMS_INVALID' },
    });
    expect(await call('DELETE', '/v1/agents/a%20b')).toMatchObject({
      status: 404,
      body: { code: 'PARAMS_INVALID' },
    });
  });

  it('deletes an agent that is not on a call, and refuses one that is', async () => {
    t.agentStates.set('1001', { state: 'talking', since: Date.now() });
    t.agentStates.set('1002', { state: 'available', since: Date.now() });
    expect(await call('DELETE', '/v1/agents/1001')).toMatchObject({
      status: 409,
      body: { code: 'AGENT_BUSY' },
    });
    expect(await call('DELETE', '/v1/agents/1002')).toMatchObject({
      status: 200,
      body: { id: '1002', deleted: true },
    });
    expect(await call('DELETE', '/v1/agents/1003')).toMatchObject({ status: 200 });
    expect(file('agents.yaml')).not.toContain('1002');
    expect(file('agents.yaml')).toMatch(/^# Agents\./);
    expect(restarted().config.agents.map((a) => a.id)).toEqual(['1001', '1004']);
  });

  it('leaves what is serving alone when the file cannot be written', async () => {
    rmSync(join(t.routingDir, 'agents.yaml'));
    mkdirSync(join(t.routingDir, 'agents.yaml'));
    expect(await call('POST', '/v1/agents', { body: NEW_AGENT })).toMatchObject({
      status: 500,
      body: { code: 'INTERNAL' },
    });
    expect(t.deps.routing.config.agents.map((a) => a.id)).not.toContain('2001');
  });

  it('needs an admin, credentials and (to delete) Redis', async () => {
    expect(await call('POST', '/v1/agents', { as: null, body: NEW_AGENT })).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHENTICATED' },
    });
    expect(await call('POST', '/v1/agents', { as: 'supervisor', body: NEW_AGENT })).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    expect(await call('PUT', '/v1/agents/1001', { as: 'agent', body: NEW_AGENT })).toMatchObject({
      status: 403,
      body: { code: 'FORBIDDEN' },
    });
    const down = createApi({ ...t.deps, redisReady: () => false }, adminRoutes);
    const res = await down.request('/v1/agents/1001', {
      method: 'DELETE',
      headers: t.auth('admin'),
    });
    expect(res.status).toBe(503);
    expect(t.deps.routing.config.agents.some((a) => a.id === '1001')).toBe(true);
  });
});

describe('queues: read with statistics, create, change, delete', () => {
  it('lists queues with their live statistics, for admins and supervisors', async () => {
    t.queueStats.set('billing', { waiting: 3, offered: 10, answered: 7, serviceLevel: 0.8571 });
    const r = await call('GET', '/v1/queues', { as: 'supervisor' });
    expect(r.status).toBe(200);
    const queues = r.body.queues as {
      id: string;
      strategy: string;
      stats: { waiting: number; serviceLevel: number | null };
    }[];
    expect(queues.map((q) => q.id)).toEqual(['billing', 'tech', 'vip', 'general']);
    expect(queues[0]).toMatchObject({
      strategy: 'weighted-round-robin',
      stats: { queue: 'billing', waiting: 3, offered: 10, serviceLevel: 0.8571 },
    });
    expect(queues[1]?.stats).toMatchObject({ waiting: 0, serviceLevel: null });
    expect(await call('GET', '/v1/queues', { as: 'agent' })).toMatchObject({ status: 403 });
    expect(await call('GET', '/v1/queues', { as: null })).toMatchObject({ status: 401 });
  });

  it('gets one queue, or 404', async () => {
    expect(await call('GET', '/v1/queues/vip', { as: 'supervisor' })).toMatchObject({
      status: 200,
      body: { id: 'vip', priority: 10, stats: { queue: 'vip' } },
    });
    expect(await call('GET', '/v1/queues/sales')).toMatchObject({
      status: 404,
      body: { code: 'QUEUE_NOT_FOUND' },
    });
    expect(await call('GET', '/v1/queues/no$such')).toMatchObject({
      status: 404,
      body: { code: 'PARAMS_INVALID' },
    });
  });

  it('creates and changes queues in queues.yaml, keeping its comments; a restart sees them', async () => {
    const created = await call('POST', '/v1/queues', {
      body: {
        id: 'sales',
        name: 'Sales',
        skill: 'general',
        strategy: 'random',
        steps: [{ minLevel: 2 }],
      },
    });
    expect(created).toMatchObject({
      status: 201,
      body: { id: 'sales', maxLength: 100, steps: [{ minLevel: 2 }] },
    });
    expect(
      await call('POST', '/v1/queues', { body: { id: 'sales', skill: 'general' } }),
    ).toMatchObject({ status: 409, body: { code: 'QUEUE_EXISTS' } });
    const changed = await call('PUT', '/v1/queues/tech', {
      body: {
        name: 'Technical support',
        skill: 'tech',
        serviceLevelSeconds: 45,
        overflow: { type: 'voicemail' },
      },
    });
    expect(changed).toMatchObject({
      status: 200,
      body: { id: 'tech', serviceLevelSeconds: 45, overflow: { type: 'voicemail' } },
    });
    const text = file('queues.yaml');
    expect(text).toMatch(/^# Queues \(skill groups\)/);
    expect(text).toContain('skills: [billing, tech, vip, general]');
    expect(text).toContain(
      '  - id: sales\n    name: Sales\n    skill: general\n    strategy: random\n    steps:\n      - { minLevel: 2 }\n',
    );
    expect(text).toContain('    serviceLevelSeconds: 45\n    overflow: { type: voicemail }\n');
    const again = restarted().config;
    expect(again.queues.find((q) => q.id === 'sales')).toEqual(t.deps.routing.queue('sales'));
    expect(again.queues.find((q) => q.id === 'tech')).toEqual(t.deps.routing.queue('tech'));
  });

  it('refuses bad bodies, unknown fields and changes the routing cannot take', async () => {
    const before = file('queues.yaml');
    expect(
      await call('POST', '/v1/queues', { body: { id: 'sales', skill: 'General!' } }),
    ).toMatchObject({ status: 400, body: { code: 'BODY_INVALID' } });
    expect(
      await call('POST', '/v1/queues', { body: { id: 'sales', skill: 'general', colour: 'red' } }),
    ).toMatchObject({ status: 400, body: { code: 'BODY_INVALID' } });
    expect(
      await call('POST', '/v1/queues', { body: { id: 'sales', skill: 'sales' } }),
    ).toMatchObject({ status: 422, body: { code: 'ROUTER_CONFIG_INVALID' } });
    const r = await call('PUT', '/v1/queues/tech', {
      body: { skill: 'tech', overflow: { type: 'queue', target: 'nowhere' } },
    });
    expect(r).toMatchObject({ status: 422, body: { code: 'ROUTER_CONFIG_INVALID' } });
    expect(
      await call('PUT', '/v1/queues/tech', { body: { id: 'vip', skill: 'tech' } }),
    ).toMatchObject({ status: 400, body: { code: 'BODY_INVALID' } });
    expect(await call('PUT', '/v1/queues/sales', { body: { skill: 'general' } })).toMatchObject({
      status: 404,
      body: { code: 'QUEUE_NOT_FOUND' },
    });
    expect(
      await call('POST', '/v1/queues', {
        as: 'supervisor',
        body: { id: 'sales', skill: 'general' },
      }),
    ).toMatchObject({ status: 403 });
    expect(file('queues.yaml')).toBe(before);
  });

  it('deletes a queue nothing uses; refuses one a flow or another queue sends callers to', async () => {
    expect(await call('DELETE', '/v1/queues/tech')).toMatchObject({
      status: 422,
      body: { code: 'ROUTER_CONFIG_INVALID' },
    });
    await call('POST', '/v1/queues', { body: { id: 'sales', skill: 'general' } });
    await call('POST', '/v1/queues', {
      body: { id: 'promo', skill: 'general', overflow: { type: 'queue', target: 'sales' } },
    });
    expect(await call('DELETE', '/v1/queues/sales')).toMatchObject({
      status: 422,
      body: { code: 'ROUTER_CONFIG_INVALID' },
    });
    expect(await call('DELETE', '/v1/queues/promo')).toMatchObject({
      status: 200,
      body: { id: 'promo', deleted: true },
    });
    expect(await call('DELETE', '/v1/queues/vip')).toMatchObject({ status: 200 });
    expect(await call('DELETE', '/v1/queues/vip')).toMatchObject({
      status: 404,
      body: { code: 'QUEUE_NOT_FOUND' },
    });
    expect(await call('DELETE', '/v1/queues/sales', { as: 'supervisor' })).toMatchObject({
      status: 403,
    });
    expect(restarted().config.queues.map((q) => q.id)).toEqual([
      'billing',
      'tech',
      'general',
      'sales',
    ]);
    expect(file('queues.yaml')).toMatch(/^# Queues/);
  });
});

describe('documentation', () => {
  it('every endpoint is in the OpenAPI document with its roles', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { 'x-roles': string[] }>>;
    };
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/agents',
      '/v1/agents/{id}',
      '/v1/queues',
      '/v1/queues/{id}',
    ]);
    expect(doc.paths['/v1/queues']?.get?.['x-roles']).toEqual(['admin', 'supervisor']);
    expect(Object.keys(doc.paths['/v1/agents/{id}'] ?? {}).sort()).toEqual(['delete', 'put']);
  });
});

describe('names people read', () => {
  const agent = (id: string) => ({ ...t.deps.routing.config.agents.find((a) => a.id === id) });
  const queue = (id: string) => ({ ...t.deps.routing.config.queues.find((q) => q.id === id) });

  it.each([
    ['NUL', 'Zhao\u0000Lei'],
    ['ESC (a terminal escape)', 'Zhao\u001b[2J\u001b[HLei'],
    ['a newline (a forged log line)', 'Zhao Lei\nlevel=info msg=admin'],
    ['a tab', 'Zhao\tLei'],
    ['DEL', 'Zhao\u007fLei'],
    ['a C1 control (CSI)', 'Zhao\u009b2JLei'],
  ])('refuse %s: 422, nothing changed, nothing written', async (_what, name) => {
    const agents = file('agents.yaml');
    const queues = file('queues.yaml');
    for (const [method, path, body] of [
      ['POST', '/v1/agents', { ...NEW_AGENT, name }],
      ['PUT', '/v1/agents/1001', { ...agent('1001'), name }],
      ['POST', '/v1/queues', { id: 'night', skill: 'tech', name }],
      ['PUT', '/v1/queues/billing', { ...queue('billing'), name }],
    ] as const) {
      const r = await call(method, path, { body });
      expect(r, `${method} ${path}`).toMatchObject({
        status: 422,
        type: 'application/problem+json',
        body: { code: 'ROUTER_CONFIG_INVALID' },
      });
      expect((r.body.errors as string[]).join(), `${method} ${path}`).toMatch(
        /name: no control characters/,
      );
    }
    expect(file('agents.yaml')).toBe(agents);
    expect(file('queues.yaml')).toBe(queues);
    expect(t.deps.routing.config.agents.find((a) => a.id === '1001')?.name).not.toContain('Zhao');
  });

  it('any script and punctuation is fine', async () => {
    for (const name of ['张伟', 'Ängel O’Brien (senior)', 'Team 🙂'])
      expect(
        (await call('PUT', '/v1/agents/1001', { body: { ...agent('1001'), name } })).status,
      ).toBe(200);
  });

  it('YAML values every YAML version reads as the same string: `yes` stays the string "yes"', async () => {
    const tricky = [
      'yes',
      'No',
      'on',
      'OFF',
      'y',
      'n',
      'true',
      'null',
      '~',
      '0755',
      '0x1F',
      '1e3',
      '12:30',
      '2026-01-01',
      '.inf',
      '-.nan',
      '+1',
      '=',
      'x: y',
      '#1',
      ' padded ',
    ];
    for (const [i, name] of tricky.entries()) {
      expect(
        (
          await call('POST', '/v1/agents', {
            body: { ...NEW_AGENT, id: `30${String(i).padStart(2, '0')}`, name },
          })
        ).status,
      ).toBe(201);
    }
    expect(
      (await call('PUT', '/v1/queues/billing', { body: { ...queue('billing'), name: 'yes' } }))
        .status,
    ).toBe(200);
    const written = file('agents.yaml');
    const { parse } = await import('yaml');
    for (const version of ['1.1', '1.2'] as const) {
      const doc = parse(written, { version }) as { agents: { id: unknown; name: unknown }[] };
      const names = tricky.map(
        (_n, i) => doc.agents.find((a) => String(a.id) === `30${String(i).padStart(2, '0')}`)?.name,
      );
      expect(names, `YAML ${version}`).toEqual(tricky);
      // Ids that look like numbers stay strings too.
      expect(
        doc.agents.every((a) => typeof a.id === 'string'),
        `YAML ${version}`,
      ).toBe(true);
      expect(
        (
          parse(file('queues.yaml'), { version }) as { queues: { id: string; name?: unknown }[] }
        ).queues.find((q) => q.id === 'billing')?.name,
        `YAML ${version}`,
      ).toBe('yes');
    }
    // What is served after a restart is what was given.
    expect(
      restarted()
        .config.agents.filter((a) => a.id.startsWith('30'))
        .map((a) => a.name),
    ).toEqual(tricky);
  });
});
