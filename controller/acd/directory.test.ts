import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { PROJECT_ROOT } from '../../lib/project-root.js';
import { RoutingDirectory, routerFor } from './directory.js';

function copy(): string {
  const d = mkdtempSync(join(tmpdir(), 'hotline-dir-'));
  cpSync(join(PROJECT_ROOT, 'dialplan', 'routing'), d, { recursive: true });
  return d;
}

const refused = (fn: () => unknown): boolean => {
  try {
    fn();
    return false;
  } catch (err) {
    return isHotlineError(err, 'ROUTER_CONFIG_INVALID') || isHotlineError(err, 'AGENT_NOT_FOUND');
  }
};

describe('RoutingDirectory', () => {
  it('loads the region tables beside the routing files, and an admin file overrides the sample', () => {
    const d = copy();
    const dir = new RoutingDirectory(d);
    expect(dir.regions.lookup('+86 10 6552 9988').region).toBe('beijing');
    expect(dir.regions.lookup('02087654321').region).toBe('guangdong');
    writeFileSync(join(d, 'regions', 'zz-admin.tsv'), '010\tbeijing-east\tBeijing (admin table)\n');
    dir.reload();
    expect(dir.regions.lookup('01065529988').region).toBe('beijing-east');
    writeFileSync(join(d, 'regions', 'zz-admin.tsv'), '010\tBad Region\n');
    expect(refused(() => dir.reload())).toBe(true);
    expect(dir.regions.lookup('01065529988').region).toBe('beijing-east');
  });

  it('adds, changes and removes agents and queues at run time', () => {
    const changes: number[] = [];
    const dir = new RoutingDirectory(copy(), (c) => changes.push(c.agents.length));
    dir.upsertAgent({ id: '2001', name: 'New', endpoint: 'PJSIP/2001', skills: { tech: 3 } });
    expect(dir.config.agents.find((a) => a.id === '2001')).toMatchObject({
      weight: 1,
      skills: { tech: 3 },
    });
    dir.upsertAgent({
      id: '2001',
      name: 'New',
      endpoint: 'PJSIP/2001',
      skills: { tech: 5 },
      weight: 4,
    });
    expect(dir.config.agents.filter((a) => a.id === '2001')).toHaveLength(1);
    dir.removeAgent('2001');
    dir.upsertQueue({ id: 'sales', skill: 'general', strategy: 'random' });
    dir.removeQueue('sales');
    expect(changes).toEqual([5, 5, 4, 4, 4]);
  });

  it('refuses a bad change whole and keeps serving the last good configuration', () => {
    const dir = new RoutingDirectory(copy());
    const before = dir.config;
    expect(
      refused(() =>
        dir.upsertAgent({ id: 'x', name: 'X', endpoint: 'PJSIP/x', skills: { sales: 3 } }),
      ),
    ).toBe(true);
    expect(
      refused(() =>
        dir.upsertAgent({
          id: 'x',
          name: 'X',
          endpoint: 'PJSIP/x',
          skills: { tech: 3 },
          weight: 0,
        }),
      ),
    ).toBe(true);
    expect(
      refused(() =>
        dir.upsertQueue({
          id: 'general',
          skill: 'general',
          overflow: { type: 'queue', target: 'billing' },
        }),
      ),
    ).toBe(true);
    expect(refused(() => dir.removeQueue('general'))).toBe(true);
    expect(refused(() => dir.removeAgent('nobody'))).toBe(true);
    expect(dir.config).toBe(before);
  });

  it('a broken file on reload is refused and the previous files keep serving', () => {
    const d = copy();
    const dir = new RoutingDirectory(d);
    writeFileSync(join(d, 'agents.yaml'), 'agents:\n  - id: broken\n');
    expect(refused(() => dir.reload())).toBe(true);
    expect(dir.config.agents).toHaveLength(4);
  });

  it('builds a router that routes by the configuration', () => {
    const dir = new RoutingDirectory(copy());
    const router = routerFor(dir.config);
    for (const a of dir.config.agents)
      router.update(a.id, 'available', { idleSince: Number(a.id) });
    // Billing's first step wants level 3 or more: 1001 (5) and 1004 (3), by weighted round robin.
    expect(router.decide({ queueId: 'billing', waitedMs: 0 }).ranked.sort()).toEqual([
      '1001',
      '1004',
    ]);
    expect(router.decide({ queueId: 'billing', waitedMs: 0, region: 'beijing' })).toMatchObject({
      ranked: ['1001'],
      preferred: 'region',
    });
  });
});
