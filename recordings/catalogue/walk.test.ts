import { describe, expect, it } from 'vitest';
import { entry } from '../../test/contract/catalogue.contract.js';
import { MemoryCatalogue } from './memory.js';
import { everyId } from './walk.js';

describe('everyId', () => {
  it('gives every id once, in start order, across pages that tie on a start time', async () => {
    const c = new MemoryCatalogue();
    const at = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    // Two share a start time across a page boundary: the next page restarts at that time.
    const ids = ['r-a', 'r-b1', 'r-b2', 'r-c', 'r-d'];
    const starts = [at(1), at(2), at(2), at(3), at(4)];
    for (const [i, id] of ids.entries()) await c.put(entry(id, { startedAt: starts[i] as string }));
    const got: string[] = [];
    for await (const id of everyId(c, 2)) got.push(id);
    expect(got).toEqual(ids);
  });
});
