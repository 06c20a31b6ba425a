import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { loadRouting } from './config-load.js';

const QUEUES = `skills: [billing, general]
queues:
  - id: billing
    skill: billing
    overflow: { type: queue, target: general }
  - id: general
    skill: general
`;
const AGENTS = `agents:
  - id: "1"
    name: A
    endpoint: PJSIP/1
    skills: { billing: 3 }
`;

function dir(agents: string, queues: string): string {
  const d = mkdtempSync(join(tmpdir(), 'hotline-routing-'));
  writeFileSync(join(d, 'agents.yaml'), agents);
  writeFileSync(join(d, 'queues.yaml'), queues);
  return d;
}

function problems(agents: string, queues: string): string[] {
  try {
    loadRouting(dir(agents, queues));
  } catch (err) {
    expect(isHotlineError(err, 'ROUTER_CONFIG_INVALID')).toBe(true);
    return (err as { details: { problems: string[] } }).details.problems.map((p) =>
      p.replace(/^.*\/(agents|queues)\.yaml/, '$1.yaml'),
    );
  }
  throw new Error('expected the routing configuration to be rejected');
}

describe('routing configuration', () => {
  it('the shipped dialplan/routing files are valid', () => {
    const c = loadRouting(join(PROJECT_ROOT, 'dialplan', 'routing'));
    expect(c.queues.map((q) => q.id)).toEqual(['billing', 'tech', 'vip', 'general']);
    expect(c.agents).toHaveLength(4);
    expect(c.queues[0]).toMatchObject({
      strategy: 'weighted-round-robin',
      wrapUpSeconds: 10,
      preferRegion: true,
    });
  });

  it('fills defaults', () => {
    const c = loadRouting(dir(AGENTS, QUEUES));
    expect(c.agents[0]).toMatchObject({ weight: 1, regions: [], languages: [], position: 0 });
    expect(c.queues[1]).toMatchObject({
      strategy: 'longest-idle',
      steps: [{ minLevel: 1 }],
      maxNoAnswer: 3,
    });
    expect(c.historyHours).toBe(72);
  });

  it('unknown skill, with file and line', () => {
    expect(problems(AGENTS.replace('billing: 3', 'billing: 3, sales: 2'), QUEUES)).toEqual([
      'agents.yaml:5: agents.0.skills.sales: unknown skill (declare it in queues.yaml skills)',
    ]);
    expect(problems(AGENTS, QUEUES.replace('skill: general', 'skill: sales'))).toEqual([
      'queues.yaml:7: queues.1.skill: unknown skill sales',
    ]);
  });

  it('unknown overflow queue', () => {
    expect(problems(AGENTS, QUEUES.replace('target: general', 'target: nowhere'))).toEqual([
      'queues.yaml:5: queues.0.overflow.target: unknown queue nowhere',
    ]);
  });

  it('a loop in overflow targets', () => {
    const looped = `${QUEUES}    overflow: { type: queue, target: billing }\n`;
    expect(problems(AGENTS, looped)).toEqual([
      'queues.yaml:5: queues.0.overflow: loop billing -> general -> billing',
      'queues.yaml:8: queues.1.overflow: loop general -> billing -> general',
    ]);
  });

  it('a weight of zero or below', () => {
    expect(
      problems(
        AGENTS.replace('skills: { billing: 3 }', 'skills: { billing: 3 }\n    weight: 0'),
        QUEUES,
      ),
    ).toEqual(['agents.yaml:6: agents.0.weight: a weight of at least 1']);
  });

  it('wrong types, unknown keys, bad strategy, bad level', () => {
    const bad = AGENTS.replace('billing: 3', 'billing: 9').replace(
      'name: A',
      'name: A\n    colour: blue',
    );
    expect(
      problems(bad, QUEUES.replace('skill: billing', 'skill: billing\n    strategy: fastest')),
    ).toEqual([
      'agents.yaml:6: agents.0.skills.billing: Too big: expected number to be <=5',
      'agents.yaml:4: agents.0.colour: unknown key',
      expect.stringMatching(/^queues\.yaml:5: queues\.0\.strategy: Invalid option/),
    ]);
  });

  it('duplicate ids and duplicate YAML keys', () => {
    expect(problems(AGENTS + AGENTS.replace('agents:\n', ''), QUEUES)).toEqual([
      'agents.yaml:6: agents.1.id: duplicate of agents.0',
    ]);
    expect(problems(AGENTS.replace('name: A', 'name: A\n    name: B'), QUEUES)[0]).toMatch(
      /^agents\.yaml:4: yaml: Map keys must be unique/,
    );
  });

  it('escalation steps before the last need a timeout', () => {
    const q = QUEUES.replace(
      'skill: general\n',
      'skill: general\n    steps: [{ minLevel: 3 }, { minLevel: 1 }]\n',
    );
    expect(problems(AGENTS, q)).toEqual([
      'queues.yaml:8: queues.1.steps.0.timeoutSeconds: every step but the last needs a timeout',
    ]);
  });

  it('a missing file', () => {
    const d = mkdtempSync(join(tmpdir(), 'hotline-routing-'));
    writeFileSync(join(d, 'queues.yaml'), QUEUES);
    try {
      loadRouting(d);
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/agents\.yaml: cannot read \(ENOENT\)/);
    }
  });

  it('a name with a control character (here an escape, written as YAML allows) is refused, with its line', () => {
    expect(problems(AGENTS.replace('name: A', 'name: "A\\e[2J"'), QUEUES)).toEqual([
      expect.stringMatching(/^agents\.yaml:3: agents\.0\.name: no control characters/),
    ]);
    expect(
      problems(
        AGENTS,
        QUEUES.replace('skill: general\n', 'skill: general\n    name: "night\\0shift"\n'),
      ),
    ).toEqual([expect.stringMatching(/^queues\.yaml:\d+: queues\.1\.name: no control characters/)]);
  });
});
