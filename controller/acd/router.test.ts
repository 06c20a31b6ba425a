import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import type { AgentDef, QueueDef } from './model.js';
import { Router, stepAt } from './router.js';

const agent = (id: string, over: Partial<AgentDef> = {}): AgentDef => ({
  id,
  name: id,
  endpoint: `PJSIP/${id}`,
  skills: { billing: 1 },
  regions: [],
  languages: [],
  weight: 1,
  position: 0,
  ...over,
});

const billing: QueueDef = {
  id: 'billing',
  skill: 'billing',
  strategy: 'longest-idle',
  steps: [{ minLevel: 3, timeoutSeconds: 15 }, { minLevel: 1 }],
  preferRegion: true,
};

function router(agents: AgentDef[], queues: QueueDef[] = [billing]): Router {
  const r = new Router(agents, queues);
  agents.forEach((a, i) => r.update(a.id, 'available', { idleSince: i }));
  return r;
}

describe('Router.decide', () => {
  it('offers only available agents with the queue’s skill', () => {
    const r = router([agent('a'), agent('b', { skills: { tech: 5 } }), agent('c')]);
    r.update('c', 'on-break');
    expect(r.decide({ queueId: 'billing', waitedMs: 60_000 }).ranked).toEqual(['a']);
  });

  it('escalates: experts only for the first 15 s, then anyone skilled', () => {
    const r = router([
      agent('novice', { skills: { billing: 1 } }),
      agent('expert', { skills: { billing: 4 } }),
    ]);
    expect(r.decide({ queueId: 'billing', waitedMs: 1000 })).toMatchObject({
      ranked: ['expert'],
      step: 0,
    });
    r.update('expert', 'talking');
    expect(r.decide({ queueId: 'billing', waitedMs: 1000 }).ranked).toEqual([]);
    expect(r.decide({ queueId: 'billing', waitedMs: 16_000 })).toMatchObject({
      ranked: ['novice'],
      step: 1,
    });
  });

  it('prefers agents serving the caller’s region, else anyone', () => {
    const r = router([
      agent('bj', { regions: ['beijing'], skills: { billing: 5 } }),
      agent('sh', { regions: ['shanghai'], skills: { billing: 5 } }),
    ]);
    expect(r.decide({ queueId: 'billing', waitedMs: 0, region: 'shanghai' })).toMatchObject({
      ranked: ['sh'],
      preferred: 'region',
    });
    expect(r.decide({ queueId: 'billing', waitedMs: 0, region: 'guangdong' }).ranked).toEqual([
      'bj',
      'sh',
    ]);
  });

  it('puts the caller’s last agent first when free and skilled enough', () => {
    const r = router([
      agent('a', { skills: { billing: 5 } }),
      agent('b', { skills: { billing: 5 } }),
      agent('c', { skills: { billing: 5 } }),
    ]);
    expect(r.decide({ queueId: 'billing', waitedMs: 0, lastAgentId: 'c' })).toMatchObject({
      ranked: ['c', 'a', 'b'],
      preferred: 'history',
    });
    r.update('c', 'talking');
    expect(r.decide({ queueId: 'billing', waitedMs: 0, lastAgentId: 'c' }).ranked).toEqual([
      'a',
      'b',
    ]);
  });

  it('matches the caller’s language when the agent lists languages', () => {
    const r = router([
      agent('en', { languages: ['en'], skills: { billing: 5 } }),
      agent('any', { skills: { billing: 5 } }),
      agent('zh', { languages: ['zh'], skills: { billing: 5 } }),
    ]);
    expect(r.decide({ queueId: 'billing', waitedMs: 0, language: 'zh' }).ranked.sort()).toEqual([
      'any',
      'zh',
    ]);
  });

  it('ring-all offers everyone eligible', () => {
    const q: QueueDef = { ...billing, id: 'all', strategy: 'ring-all', steps: [{ minLevel: 1 }] };
    const r = router([agent('a'), agent('b'), agent('c'), agent('d')], [q]);
    expect(r.decide({ queueId: 'all', waitedMs: 0 })).toMatchObject({
      ranked: ['a', 'b', 'c', 'd'],
      ringAll: true,
    });
  });

  it('weighted round robin learns from what was taken', () => {
    const q: QueueDef = {
      ...billing,
      id: 'wrr',
      strategy: 'weighted-round-robin',
      steps: [{ minLevel: 1 }],
      preferRegion: false,
    };
    const r = router([agent('a', { weight: 2 }), agent('b')], [q]);
    const seq: string[] = [];
    for (let i = 0; i < 6; i++) {
      const first = r.decide({ queueId: 'wrr', waitedMs: 0 }).ranked[0]!;
      r.taken('wrr', first);
      seq.push(first);
    }
    expect(seq.join('')).toBe('abaaba');
  });

  it('unknown queues and agents are typed errors', () => {
    const r = router([agent('a')]);
    expect(
      isHotlineError(
        catching(() => r.decide({ queueId: 'nope', waitedMs: 0 })),
        'ROUTER_CONFIG_INVALID',
      ),
    ).toBe(true);
    expect(
      isHotlineError(
        catching(() => r.update('ghost', 'available')),
        'AGENT_NOT_FOUND',
      ),
    ).toBe(true);
  });
});

describe('stepAt', () => {
  const q: QueueDef = {
    ...billing,
    steps: [
      { minLevel: 5, timeoutSeconds: 10 },
      { minLevel: 3, timeoutSeconds: 20 },
      { minLevel: 1 },
    ],
  };
  it.each([
    [0, 0],
    [9_999, 0],
    [10_000, 1],
    [29_999, 1],
    [30_000, 2],
    [3_600_000, 2],
  ])('after %i ms: step %i', (waited, step) => {
    expect(stepAt(q, waited)).toBe(step);
  });
});

function catching(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}
