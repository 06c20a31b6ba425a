import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { checkKey, notFound, resolveRange, type ObjectInfo, type StorageDriver } from './types.js';

/** The reference driver and the test double: objects in a Map. */
export function memoryStorage(
  options: { name?: string } = {},
): StorageDriver & { readonly objects: Map<string, { data: Buffer; modifiedAt: Date }> } {
  const name = options.name ?? 'memory';
  const objects = new Map<string, { data: Buffer; modifiedAt: Date }>();
  const info = (key: string, o: { data: Buffer; modifiedAt: Date }): ObjectInfo => ({
    key,
    size: o.data.length,
    modifiedAt: o.modifiedAt,
  });
  return {
    name,
    kind: 'memory',
    objects,
    async put(key, body, opts) {
      checkKey(name, key);
      // Read it all first: a body that fails half way stores nothing.
      const data = Buffer.isBuffer(body) ? Buffer.from(body) : await buffer(body);
      opts?.signal?.throwIfAborted();
      const o = { data, modifiedAt: new Date() };
      objects.set(key, o);
      return info(key, o);
    },
    async get(key, range) {
      checkKey(name, key);
      const o = objects.get(key);
      if (!o) throw notFound(name, key);
      if (o.data.length === 0 && !range) return Readable.from([]);
      const r = resolveRange(name, key, o.data.length, range);
      return Readable.from([o.data.subarray(r.start, r.end + 1)]);
    },
    async head(key) {
      checkKey(name, key);
      const o = objects.get(key);
      return o ? info(key, o) : undefined;
    },
    async delete(key) {
      checkKey(name, key);
      objects.delete(key);
    },
    async *list(prefix = '') {
      for (const key of [...objects.keys()].sort()) {
        const o = objects.get(key);
        if (o && key.startsWith(prefix)) yield info(key, o);
      }
    },
  };
}
