import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  entrySchema,
  pendingSchema,
  type AuditEntry,
  type PendingCapture,
  type RecordingEntry,
  type Tier,
} from '../../recordings/catalogue/entry.js';
import type { Catalogue } from '../../recordings/catalogue/types.js';

/**
 * The catalogue contract. Every implementation runs this same suite: memory (the reference) and
 * Redis against the lab's server. One catalogue serves the whole suite, so every test names its
 * recordings with a tag of its own and removes them afterwards: a Redis run can share a database.
 */
export interface CatalogueHarness {
  catalogue: Catalogue;
  close(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T09:00:00.000Z');
/** Start time `min` minutes after T0, in ms and as ISO. */
const ms = (min: number): number => T0 + min * 60_000;
const iso = (min: number): string => new Date(ms(min)).toISOString();
const hex64 = (): string => randomBytes(32).toString('hex');

/** A valid entry (checked by the schema, so the fixtures cannot drift from it). */
export function entry(id: string, over: Partial<RecordingEntry> = {}): RecordingEntry {
  const startedAt = over.startedAt ?? iso(0);
  const start = Date.parse(startedAt);
  const tier = over.tier ?? 'hot';
  const format = tier === 'hot' ? 'wav' : 'opus';
  return entrySchema.parse({
    id,
    callId: `call-${id}`,
    number: '4008001234',
    callerMasked: '0791****123',
    callerHash: hex64(),
    startedAt,
    endedAt: new Date(start + 42_000).toISOString(),
    durationMs: 42_000,
    original: { format: 'wav', size: 672_044, sha256: hex64(), durationMs: 42_000 },
    tier,
    key: `${startedAt.slice(0, 10).replaceAll('-', '/')}/${id}.${format}.hlr`,
    format,
    size: 672_044,
    sha256: hex64(),
    storedSize: 672_104,
    dataKey: `k1:k1:${randomBytes(8).toString('base64url')}`,
    retainUntil: '2033-03-01T00:00:00.000Z',
    legalHold: false,
    updatedAt: startedAt,
    ...over,
  });
}

function pending(id: string, over: Partial<PendingCapture> = {}): PendingCapture {
  return pendingSchema.parse({
    id,
    file: `/var/spool/asterisk/recording/${id}.wav`,
    callId: `call-${id}`,
    number: '4008001234',
    callerNumber: '07911123123',
    startedAt: iso(0),
    ...over,
  });
}

const byId = <T extends { id: string }>(list: T[]): T[] =>
  [...list].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

export function testCatalogue(label: string, setup: () => Promise<CatalogueHarness>): void {
  describe(`catalogue contract: ${label}`, () => {
    const run = `c${randomBytes(4).toString('hex')}`;
    let h: CatalogueHarness;
    let c: Catalogue;
    let tag = '';
    let made: string[] = [];
    let n = 0;
    /** An id unique to this test, removed (with its pending capture and lease) after it. */
    const id = (name: string): string => {
      const v = `${tag}-${name}`;
      made.push(v);
      return v;
    };
    const put = async (...es: RecordingEntry[]): Promise<void> => {
      for (const e of es) await c.put(e);
    };
    const mine = (ids: string[]): string[] => ids.filter((i) => i.startsWith(`${tag}-`));

    beforeAll(async () => {
      h = await setup();
      c = h.catalogue;
    }, 60_000);
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(() => {
      tag = `${run}-${++n}`;
      made = [];
    });
    afterEach(async () => {
      for (const i of made) await Promise.all([c.remove(i), c.removePending(i), c.endLive(i)]);
    });

    it('gives back an entry field for field, as a copy', async () => {
      const full = entry(id('full'), {
        agentId: 'agent-7',
        queue: 'sales',
        stale: ['hot:2026/03/01/x.wav.hlr'],
        deleting: true,
        legalHold: true,
      });
      const bare = entry(id('bare'));
      await put(full, bare);
      expect(await c.get(full.id)).toEqual(full);
      expect(await c.get(bare.id)).toEqual(bare);
      full.tier = 'cold';
      const got = await c.get(bare.id);
      if (got) got.legalHold = true;
      expect((await c.get(full.id))?.tier).toBe('hot');
      expect((await c.get(bare.id))?.legalHold).toBe(false);
    });

    it('answers a missing id with undefined', async () => {
      expect(await c.get(id('never'))).toBeUndefined();
    });

    it('replaces an entry on put, and its due list and counts follow the tier', async () => {
      const before = await c.counts();
      const hot = entry(id('mv'), { startedAt: iso(5) });
      await put(hot);
      expect(await c.counts()).toEqual({ ...before, hot: before.hot + 1 });
      const warm = entry(hot.id, { startedAt: iso(5), tier: 'warm', stale: [`hot:${hot.key}`] });
      await put(warm);
      expect(await c.get(hot.id)).toEqual(warm);
      expect(await c.counts()).toEqual({ ...before, warm: before.warm + 1 });
      expect(mine(await c.due('hot', ms(60), 100))).toEqual([]);
      expect(mine(await c.due('warm', ms(60), 100))).toEqual([hot.id]);
      await put(entry(hot.id, { startedAt: iso(5), tier: 'cold' }));
      expect(await c.counts()).toEqual({ ...before, cold: before.cold + 1 });
      expect(mine(await c.due('warm', ms(60), 100))).toEqual([]);
      expect(mine(await c.due('cold', ms(60), 100))).toEqual([hot.id]);
    });

    it('forgets a removed entry everywhere, and removes a missing id quietly', async () => {
      const before = await c.counts();
      const e = entry(id('gone'), {
        tier: 'warm',
        agentId: 'agent-gone',
        stale: ['hot:a/b.wav.hlr'],
      });
      await put(e);
      await c.remove(e.id);
      expect(await c.get(e.id)).toBeUndefined();
      expect(mine(await c.due('warm', ms(60), 100))).toEqual([]);
      expect(await c.counts()).toEqual(before);
      expect(await c.search({ callerHash: e.callerHash })).toEqual([]);
      expect(mine(await c.withStale(10_000))).toEqual([]);
      expect(mine((await c.all(0, 10_000)).ids)).toEqual([]);
      await expect(c.remove(e.id)).resolves.toBeUndefined();
    });

    it('lists due ids of one tier only, started at or before the cutoff, oldest first, up to the limit', async () => {
      const [h1, h2, h3, h4] = [1, 2, 3, 10].map((m) =>
        entry(id(`h${m}`), { startedAt: iso(m) }),
      ) as [RecordingEntry, RecordingEntry, RecordingEntry, RecordingEntry];
      const w = entry(id('w'), { startedAt: iso(0), tier: 'warm' });
      await put(h3, w, h1, h4, h2);
      expect(await c.due('hot', ms(3), 10)).toEqual([h1.id, h2.id, h3.id]);
      expect(await c.due('hot', ms(3) - 1, 10)).toEqual([h1.id, h2.id]);
      expect(await c.due('hot', ms(3), 2)).toEqual([h1.id, h2.id]);
      expect(await c.due('hot', ms(0), 10)).toEqual([]);
      expect(await c.due('hot', ms(60), 10)).toEqual([h1.id, h2.id, h3.id, h4.id]);
      expect(await c.due('warm', ms(60), 10)).toEqual([w.id]);
      expect(await c.due('cold', ms(60), 10)).toEqual([]);
    });

    it('lists exactly the entries with stale copies, and forgets one put again without', async () => {
      const a = entry(id('a'), { startedAt: iso(1), stale: ['hot:a.wav.hlr'] });
      const b = entry(id('b'), { startedAt: iso(2), stale: [] });
      const d = entry(id('d'), { startedAt: iso(3) });
      const e = entry(id('e'), {
        startedAt: iso(4),
        tier: 'cold',
        stale: ['hot:e.wav.hlr', 'warm:e.opus.hlr'],
      });
      await put(a, b, d, e);
      expect(mine(await c.withStale(10_000)).sort()).toEqual([a.id, e.id].sort());
      const one = await c.withStale(1);
      expect(one).toHaveLength(1);
      expect([a.id, e.id]).toContain(one[0]);
      const clean: RecordingEntry = { ...a };
      delete clean.stale;
      await put(clean);
      expect(mine(await c.withStale(10_000))).toEqual([e.id]);
      await put({ ...e, stale: [] });
      expect(mine(await c.withStale(10_000))).toEqual([]);
    });

    it('pages through every entry oldest first with next', async () => {
      const tiers: Tier[] = ['hot', 'warm', 'cold'];
      const es = [4, 0, 6, 2, 5, 1, 3].map((m) =>
        entry(id(`p${m}`), { startedAt: iso(m), tier: tiers[m % 3] ?? 'hot' }),
      );
      await put(...es);
      const sorted = [...es]
        .sort((x, y) => Date.parse(x.startedAt) - Date.parse(y.startedAt))
        .map((e) => e.id);
      const pages: string[][] = [];
      let after = 0;
      for (let guard = 0; guard < 20; guard++) {
        const page = await c.all(after, 3);
        pages.push(page.ids);
        if (page.next === undefined) break;
        expect(page.next).toBeGreaterThan(after);
        after = page.next;
      }
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      expect(pages.flat()).toEqual(sorted);
      expect(await c.all(0, 3)).toEqual({ ids: sorted.slice(0, 3), next: ms(3) });
    });

    it('pages exactly at the boundaries: inclusive start, a full last page, nothing after the end', async () => {
      const es = [0, 1, 2, 3].map((m) => entry(id(`b${m}`), { startedAt: iso(m) }));
      await put(...es);
      const ids = es.map((e) => e.id);
      expect(await c.all(ms(0), 4)).toEqual({ ids, next: undefined });
      expect(await c.all(ms(0), 2)).toEqual({ ids: ids.slice(0, 2), next: ms(2) });
      expect(await c.all(ms(2), 2)).toEqual({ ids: ids.slice(2), next: undefined });
      expect(await c.all(ms(2) + 1, 2)).toEqual({ ids: ids.slice(3), next: undefined });
      expect(await c.all(ms(3) + 1, 2)).toEqual({ ids: [], next: undefined });
    });

    it('searches by time range, agent, queue, number and caller, oldest first, up to the limit', async () => {
      const [agentA, agentB, sales, support, n1, n2] = [
        'agent-a',
        'agent-b',
        'sales',
        'support',
        'n1',
        'n2',
      ].map((v) => `${tag}-${v}`) as [string, string, string, string, string, string];
      const [hA, hB] = [hex64(), hex64()];
      const a = entry(id('a'), {
        startedAt: iso(1),
        agentId: agentA,
        queue: sales,
        number: n1,
        callerHash: hA,
      });
      const b = entry(id('b'), {
        startedAt: iso(2),
        agentId: agentB,
        queue: support,
        number: n1,
        callerHash: hB,
      });
      const d = entry(id('d'), {
        startedAt: iso(3),
        agentId: agentA,
        queue: support,
        number: n2,
        callerHash: hA,
        tier: 'cold',
      });
      const e = entry(id('e'), { startedAt: iso(4), number: n2, callerHash: hB });
      await put(e, d, b, a);
      expect(await c.search({ from: ms(2), to: ms(3) })).toEqual([b, d]);
      expect(await c.search({ from: ms(4) })).toEqual([e]);
      expect(await c.search({ to: ms(1) })).toEqual([a]);
      expect(await c.search({ agentId: agentA })).toEqual([a, d]);
      expect(await c.search({ queue: support })).toEqual([b, d]);
      expect(await c.search({ number: n2 })).toEqual([d, e]);
      expect(await c.search({ callerHash: hB })).toEqual([b, e]);
      expect(await c.search({ agentId: agentA, queue: support })).toEqual([d]);
      expect(await c.search({ callerHash: hA, from: ms(2) })).toEqual([d]);
      expect(await c.search({ number: n1, limit: 1 })).toEqual([a]);
      expect(await c.search({ number: n1, limit: 0 })).toEqual([]);
      expect(await c.search({ agentId: `${tag}-nobody` })).toEqual([]);
    });

    it('locks a recording exclusively until released; other ids are independent', async () => {
      const [x, y] = [id('x'), id('y')];
      const lx = await c.lock(x, 5000);
      expect(lx).toBeDefined();
      expect(await c.lock(x, 5000)).toBeUndefined();
      const ly = await c.lock(y, 5000);
      expect(ly).toBeDefined();
      await lx?.release();
      const again = await c.lock(x, 5000);
      expect(again).toBeDefined();
      expect(await c.lock(y, 5000)).toBeUndefined();
      await Promise.all([again?.release(), ly?.release()]);
    });

    it('lets a lock lapse after its ttl; the lapsed holder can neither extend nor release the new one', async () => {
      const x = id('x');
      const old = await c.lock(x, 150);
      expect(old).toBeDefined();
      await sleep(300);
      const next = await c.lock(x, 5000);
      expect(next).toBeDefined();
      expect(await old?.extend()).toBe(false);
      await old?.release();
      expect(await c.lock(x, 5000)).toBeUndefined();
      await next?.release();
    });

    it('answers extend with false once a lock lapsed, even when nobody took it', async () => {
      const x = id('x');
      const old = await c.lock(x, 150);
      await sleep(300);
      expect(await old?.extend()).toBe(false);
      const next = await c.lock(x, 5000);
      expect(next).toBeDefined();
      await next?.release();
    });

    it('keeps an extended lock past its original ttl', async () => {
      const x = id('x');
      const lock = await c.lock(x, 250);
      for (let i = 0; i < 3; i++) {
        await sleep(120);
        expect(await lock?.extend()).toBe(true);
      }
      expect(await c.lock(x, 5000)).toBeUndefined();
      await lock?.release();
      const next = await c.lock(x, 5000);
      expect(next).toBeDefined();
      await next?.release();
    });

    it('adds, replaces, lists and removes pending captures', async () => {
      const p = pending(id('p'));
      const q = pending(id('q'), { agentId: 'agent-2', queue: 'sales', endedAt: iso(1) });
      await c.addPending(p);
      await c.addPending(q);
      expect(byId((await c.listPending()).filter((x) => made.includes(x.id)))).toEqual(
        byId([p, q]),
      );
      const p2 = { ...p, endedAt: iso(2) };
      await c.addPending(p2);
      expect(byId((await c.listPending()).filter((x) => made.includes(x.id)))).toEqual(
        byId([p2, q]),
      );
      await c.removePending(p.id);
      expect((await c.listPending()).filter((x) => made.includes(x.id))).toEqual([q]);
      await c.removePending(q.id);
      expect((await c.listPending()).filter((x) => made.includes(x.id))).toEqual([]);
    });

    it('keeps a live lease while touched, ends it on request and lets it lapse', async () => {
      const [x, y] = [id('x'), id('y')];
      expect(await c.isLive(x)).toBe(false);
      await c.touchLive(x, 5000);
      expect(await c.isLive(x)).toBe(true);
      expect(await c.isLive(y)).toBe(false);
      await c.endLive(x);
      expect(await c.isLive(x)).toBe(false);
      await c.touchLive(y, 250);
      await sleep(150);
      await c.touchLive(y, 250);
      await sleep(150);
      expect(await c.isLive(y)).toBe(true);
      await sleep(300);
      expect(await c.isLive(y)).toBe(false);
    });

    it('gives back a recording’s audit trail in the order written, and only its own', async () => {
      const [r1, r2] = [id('r1'), id('r2')];
      const trail: AuditEntry[] = [
        { recordingId: r1, user: 'key-1', at: iso(1), tier: 'hot' },
        { recordingId: r1, user: 'cli:ops', at: iso(2), range: '0-1023', tier: 'warm' },
        { recordingId: r1, user: 'key-1', at: iso(3), tier: 'cold' },
      ];
      const other: AuditEntry = { recordingId: r2, user: 'key-2', at: iso(2), tier: 'hot' };
      await c.audit(trail[0] as AuditEntry);
      await c.audit(other);
      await c.audit(trail[1] as AuditEntry);
      await c.audit(trail[2] as AuditEntry);
      expect(await c.audits(r1)).toEqual(trail);
      expect(await c.audits(r2)).toEqual([other]);
      expect(await c.audits(id('none'))).toEqual([]);
    });

    it('adds counters up, by one unless told', async () => {
      const [moves, failed, never] = [
        `${tag}:moves`,
        `${tag}:failed:STORAGE_NOT_FOUND`,
        `${tag}:never`,
      ];
      await c.count(moves);
      await c.count(moves);
      await c.count(failed, 5);
      await c.count(moves, 10);
      await c.count(failed, -2);
      const got = await c.counters();
      expect(got[moves]).toBe(12);
      expect(got[failed]).toBe(3);
      expect(never in got).toBe(false);
    });
  });
}
