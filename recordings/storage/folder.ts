import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { HotlineError } from '../../lib/errors.js';
import { ignored } from '../../lib/settle.js';
import { checkKey, notFound, resolveRange, type ObjectInfo, type StorageDriver } from './types.js';

export interface FolderStorageOptions {
  name?: string;
  /** The folder (or mounted volume) objects live in. */
  root: string;
  /** For failures that change nothing (debug). */
  log?: Pick<Logger, 'debug'>;
}

/**
 * Objects as files under a folder: the hot tier (where the media server records) and the warm
 * tier (another folder or mounted volume). A put writes into `.tmp/` and renames into place after
 * an fsync, so a crash or a full disk never leaves a torn object under its real name.
 */
export function folderStorage(options: FolderStorageOptions): StorageDriver {
  const name = options.name ?? 'folder';
  const root = options.root;
  const tmpDir = join(root, '.tmp');
  const path = (key: string): string => {
    checkKey(name, key);
    return join(root, key);
  };
  const translate = (err: unknown, key: string): unknown => {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') return notFound(name, key);
    if (code === 'ENOSPC' || code === 'EDQUOT')
      return new HotlineError('STORAGE_FULL', `[recordings] [${name}] no space left for ${key}`, {
        cause: err,
      });
    if (code === 'EACCES' || code === 'EROFS' || code === 'EIO') {
      return new HotlineError('STORAGE_FAILED', `[recordings] [${name}] ${code} on ${key}`, {
        cause: err,
      });
    }
    return err;
  };
  const info = async (key: string): Promise<ObjectInfo | undefined> => {
    try {
      const s = await stat(path(key));
      return s.isFile() ? { key, size: s.size, modifiedAt: s.mtime } : undefined;
    } catch (err) {
      if (
        (err as NodeJS.ErrnoException).code === 'ENOENT' ||
        (err as NodeJS.ErrnoException).code === 'ENOTDIR'
      )
        return undefined;
      throw translate(err, key);
    }
  };
  return {
    name,
    kind: 'folder',
    async put(key, body, opts) {
      const target = path(key);
      const tmp = join(tmpDir, `${randomBytes(8).toString('hex')}.part`);
      try {
        await mkdir(tmpDir, { recursive: true });
        await mkdir(dirname(target), { recursive: true });
        const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
        await pipeline(
          source,
          createWriteStream(tmp, { flags: 'wx' }),
          opts?.signal ? { signal: opts.signal } : {},
        );
        const fh = await open(tmp, 'r+');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
        await rename(tmp, target);
        await syncDir(dirname(target));
      } catch (err) {
        await rm(tmp, { force: true }).catch(
          ignored(options.log, 'removing the temporary file of a failed write'),
        );
        throw translate(err, key);
      }
      const s = await info(key);
      if (!s)
        throw new HotlineError(
          'STORAGE_FAILED',
          `[recordings] [${name}] ${key} vanished after it was written`,
        );
      return s;
    },
    async get(key, range) {
      const p = path(key);
      const s = await info(key);
      if (!s) throw notFound(name, key);
      if (s.size === 0 && !range) return Readable.from([]);
      const r = resolveRange(name, key, s.size, range);
      return createReadStream(p, { start: r.start, end: r.end });
    },
    head: info,
    async delete(key) {
      try {
        await unlink(path(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw translate(err, key);
      }
    },
    async *list(prefix = '') {
      for (const key of (await walk(root, '')).sort()) {
        if (!key.startsWith(prefix)) continue;
        const s = await info(key);
        if (s) yield s;
      }
    },
  };
}

/** Every file's key under `dir`, skipping the temp folder and anything not a valid key. */
async function walk(root: string, rel: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(root, rel), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const key = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(root, key)));
    else if (e.isFile()) out.push(key);
  }
  return out;
}

/** The rename itself must reach the disk, or a crash can forget it. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
