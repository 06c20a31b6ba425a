import { describe, expect, it } from 'vitest';
import { STRATEGIES, type Candidate } from './index.js';

let slots = 0;
const agent = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  id,
  weight: 1,
  idleSince: 0,
  callsTaken: 0,
  talkTimeMs: 0,
  position: 0,
  level: 1,
  slot: slots++,
  ...over,
});
const ctx = { random: Math.random };
const ids = (list: Candidate[]): string[] => list.map((c) => c.id);

describe('weighted round robin (smooth)', () => {
  it('weights 5,1,1 give the smooth sequence a a b a c a a, and repeat it', () => {
    const s = STRATEGIES['weighted-round-robin']();
    const pool = [agent('a', { weight: 5 }), agent('b'), agent('c')];
    const seq: string[] = [];
    for (let i = 0; i < 14; i++) {
      const [first] = s.rank(pool, 1, ctx);
      seq.push(first!.id);
      s.taken?.(first!, pool);
    }
    expect(seq.join('')).toBe('aabacaaaabacaa');
  });

  it('shares calls in proportion to weight over many decisions', () => {
    const s = STRATEGIES['weighted-round-robin']();
    const pool = [agent('a', { weight: 3 }), agent('b', { weight: 2 }), agent('c', { weight: 1 })];
    const count = new Map<string, number>();
    for (let i = 0; i < 600; i++) {
      const [first] = s.rank(pool, 1, ctx);
      count.set(first!.id, (count.get(first!.id) ?? 0) + 1);
      s.taken?.(first!, pool);
    }
    expect(Object.fromEntries(count)).toEqual({ a: 300, b: 200, c: 100 });
  });

  it('ranking without taking changes nothing; the runners-up follow the winner', () => {
    const s = STRATEGIES['weighted-round-robin']();
    const pool = [agent('a', { weight: 1 }), agent('b', { weight: 3 }), agent('c', { weight: 2 })];
    expect(ids(s.rank(pool, 3, ctx))).toEqual(['b', 'c', 'a']);
    expect(ids(s.rank(pool, 3, ctx))).toEqual(['b', 'c', 'a']);
  });
});

describe('longest idle', () => {
  it('ranks by free time, ties by id', () => {
    const pool = [
      agent('a', { idleSince: 30 }),
      agent('b', { idleSince: 10 }),
      agent('c', { idleSince: 20 }),
      agent('d', { idleSince: 10 }),
    ];
    expect(ids(STRATEGIES['longest-idle']().rank(pool, 3, ctx))).toEqual(['b', 'd', 'c']);
  });
});

describe('fewest calls', () => {
  it('ranks by calls taken, then by idle time', () => {
    const pool = [
      agent('a', { callsTaken: 2 }),
      agent('b', { callsTaken: 1, idleSince: 50 }),
      agent('c', { callsTaken: 1, idleSince: 40 }),
    ];
    expect(ids(STRATEGIES['fewest-calls']().rank(pool, 2, ctx))).toEqual(['c', 'b']);
  });
});

describe('least talk time', () => {
  it('ranks by talk time', () => {
    const pool = [
      agent('a', { talkTimeMs: 900 }),
      agent('b', { talkTimeMs: 100 }),
      agent('c', { talkTimeMs: 500 }),
    ];
    expect(ids(STRATEGIES['least-talk-time']().rank(pool, 3, ctx))).toEqual(['b', 'c', 'a']);
  });
});

describe('linear', () => {
  it('always hunts from the top position', () => {
    const s = STRATEGIES.linear();
    const pool = [
      agent('c', { position: 3 }),
      agent('a', { position: 1 }),
      agent('b', { position: 2 }),
    ];
    expect(ids(s.rank(pool, 3, ctx))).toEqual(['a', 'b', 'c']);
    expect(ids(s.rank(pool, 1, ctx))).toEqual(['a']);
  });
});

describe('ring all', () => {
  it('rings every candidate', () => {
    const s = STRATEGIES['ring-all']();
    expect(s.ringAll).toBe(true);
    const pool = [
      agent('b', { idleSince: 2 }),
      agent('a', { idleSince: 1 }),
      agent('c', { idleSince: 3 }),
    ];
    expect(ids(s.rank(pool, 1, ctx))).toEqual(['a', 'b', 'c']);
  });
});

describe('random', () => {
  it('draws k distinct candidates, each about equally often', () => {
    const s = STRATEGIES.random();
    const pool = ['a', 'b', 'c', 'd'].map((id) => agent(id));
    let seed = 42;
    const rnd = { random: () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 };
    const count = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const picked = s.rank(pool, 2, rnd);
      expect(new Set(ids(picked)).size).toBe(2);
      count.set(picked[0]!.id, (count.get(picked[0]!.id) ?? 0) + 1);
    }
    for (const n of count.values()) expect(n).toBeGreaterThan(800);
  });
});

describe('every strategy', () => {
  it.each(Object.keys(STRATEGIES))('%s copes with no candidates and with fewer than k', (name) => {
    const s = STRATEGIES[name as keyof typeof STRATEGIES]();
    expect(s.rank([], 3, ctx)).toEqual([]);
    expect(s.rank([agent('x')], 3, ctx).map((c) => c.id)).toEqual(['x']);
  });
});
