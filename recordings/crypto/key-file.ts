import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { HotlineError } from '../../lib/errors.js';

const keyFileSchema = z.strictObject({
  current: z.string().min(1),
  keys: z.record(z.string(), z.string()),
  callerHashSecret: z.string().min(16),
});
export type KeyFile = z.infer<typeof keyFileSchema>;

/**
 * The master keys live in their own file (mode 0600), not in the main configuration, so the
 * configuration can be shared and logged without them. A missing file is created with one fresh
 * key: a fresh machine records safely from its first call.
 */
export async function loadKeyFile(
  path: string,
  opts: { create: boolean },
): Promise<{ keys: KeyFile; created: boolean }> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !opts.create) {
      throw new HotlineError(
        'RECORDING_KEY_MISSING',
        `[recordings] cannot read the key file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    const keys: KeyFile = {
      current: 'k1',
      keys: { k1: randomBytes(32).toString('base64') },
      callerHashSecret: randomBytes(32).toString('hex'),
    };
    await saveKeyFile(path, keys);
    return { keys, created: true };
  }
  try {
    return { keys: keyFileSchema.parse(JSON.parse(raw)), created: false };
  } catch (err) {
    throw new HotlineError('CONFIG_INVALID', `[recordings] the key file ${path} is not valid`, {
      cause: err,
    });
  }
}

export async function saveKeyFile(path: string, keys: KeyFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

/** Adds a fresh master key and makes it current (then rotate, then drop the old one). */
export async function addMasterKey(path: string): Promise<string> {
  const { keys } = await loadKeyFile(path, { create: false });
  let n = Object.keys(keys.keys).length + 1;
  while (keys.keys[`k${n}`]) n++;
  const id = `k${n}`;
  keys.keys[id] = randomBytes(32).toString('base64');
  keys.current = id;
  await saveKeyFile(path, keys);
  return id;
}
