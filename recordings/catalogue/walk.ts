import type { Catalogue } from './types.js';

/**
 * Every catalogued recording id, oldest first, page by page. Pages restart at the next start time,
 * so ids sharing it may come twice: they are given once. (More than a page of recordings starting
 * in the same millisecond would be cut short: the catalogue pages by time, not by a cursor.)
 */
export async function* everyId(catalogue: Catalogue, pageSize = 500): AsyncGenerator<string> {
  let after = 0;
  const seen = new Set<string>();
  for (;;) {
    const page = await catalogue.all(after, pageSize);
    const fresh = page.ids.filter((id) => !seen.has(id));
    for (const id of fresh) {
      seen.add(id);
      yield id;
    }
    if (page.next === undefined) return;
    after = fresh.length === 0 ? page.next + 1 : page.next;
  }
}
