import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HotlineError } from '../../../lib/errors.js';

/**
 * The token-signing secret: 32 random bytes in a file (mode 0600), created on first start.
 * Controllers that share one contact center share the file, so each accepts the others' tokens.
 */
export async function loadSecret(path: string): Promise<Buffer> {
  try {
    const raw = (await readFile(path, 'utf8')).trim();
    const key = Buffer.from(raw, 'base64');
    if (key.length < 32)
      throw new HotlineError(
        'CONFIG_INVALID',
        `${path}: the token secret must be at least 32 bytes of base64`,
      );
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const key = randomBytes(32);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, `${key.toString('base64')}\n`, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
    return key;
  }
}
