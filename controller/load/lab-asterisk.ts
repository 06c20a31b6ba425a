import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec } from '../lab/exec.js';
import type { LabPaths } from '../lab/paths.js';

/**
 * Puts `hotline load`'s generated files into the lab Asterisk's configuration (its chroot's
 * /etc/asterisk, which the project's pjsip.conf and extensions.conf #tryinclude) and reloads
 * what reads them; `clear` takes them out again.
 */
export const LOAD_FILES = ['pjsip_load.conf', 'extensions_load.conf', 'queues.conf'] as const;
export type LoadFile = (typeof LOAD_FILES)[number];

const cli = (paths: LabPaths, command: string): Promise<string> => exec('chroot', [paths.root, '/usr/sbin/asterisk', '-rx', command], { timeoutMs: 60_000 });

export async function installLoadFiles(paths: LabPaths, files: Partial<Record<LoadFile, string>>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    const file = join(paths.root, 'etc', 'asterisk', name);
    await writeFile(file, text);
    await chmod(file, 0o644);
  }
  await reload(paths, files);
}

export async function clearLoadFiles(paths: LabPaths): Promise<void> {
  for (const name of LOAD_FILES) await rm(join(paths.root, 'etc', 'asterisk', name), { force: true });
  await reload(paths, { 'pjsip_load.conf': '', 'extensions_load.conf': '' });
}

async function reload(paths: LabPaths, files: Partial<Record<LoadFile, string>>): Promise<void> {
  if ('pjsip_load.conf' in files) await cli(paths, 'module reload res_pjsip.so');
  if ('extensions_load.conf' in files) await cli(paths, 'dialplan reload');
  if ('queues.conf' in files) {
    const loaded = (await cli(paths, 'module show like app_queue')).includes('app_queue.so');
    await cli(paths, loaded ? 'module reload app_queue.so' : 'module load app_queue.so');
  }
}

/** How many of the given endpoints Asterisk knows (a reload is asynchronous in places). */
export async function endpointCount(paths: LabPaths, prefix: string): Promise<number> {
  const out = await cli(paths, `pjsip show endpoints like ${prefix}`);
  return (out.match(/^\s*Endpoint:\s+\S+/gm) ?? []).filter((l) => l.includes(prefix)).length;
}
