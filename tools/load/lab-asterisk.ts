import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exec } from '../lab/exec.js';
import type { LabPaths } from '../lab/paths.js';
import { sleep } from '../../lib/wait.js';

/**
 * Puts `hotline load`'s generated files into the lab Asterisk's configuration (its chroot's
 * /etc/asterisk, which the project's pjsip.conf and extensions.conf #tryinclude) and reloads
 * what reads them; `clear` takes them out again.
 */
export const LOAD_FILES = ['pjsip_load.conf', 'extensions_load.conf', 'queues.conf'] as const;
export type LoadFile = (typeof LOAD_FILES)[number];

const cli = (paths: LabPaths, command: string): Promise<string> =>
  exec('chroot', [paths.root, '/usr/sbin/asterisk', '-rx', command], { timeoutMs: 60_000 });

export async function installLoadFiles(
  paths: LabPaths,
  files: Partial<Record<LoadFile, string>>,
): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    const file = join(paths.root, 'etc', 'asterisk', name);
    await writeFile(file, text);
    await chmod(file, 0o644);
  }
  await reload(paths, files);
}

export async function clearLoadFiles(paths: LabPaths): Promise<void> {
  for (const name of LOAD_FILES)
    await rm(join(paths.root, 'etc', 'asterisk', name), { force: true });
  await reload(paths, { 'pjsip_load.conf': '', 'extensions_load.conf': '' });
}

async function reload(paths: LabPaths, files: Partial<Record<LoadFile, string>>): Promise<void> {
  if ('pjsip_load.conf' in files) await cli(paths, 'module reload res_pjsip.so');
  if ('queues.conf' in files) {
    // The baseline's applications are not in the lab's modules.conf (hotline needs neither).
    if (!(await ensureModule(paths, 'app_queue.so')))
      await cli(paths, 'module reload app_queue.so');
    await ensureModule(paths, 'app_read.so');
  }
  if ('extensions_load.conf' in files) await cli(paths, 'dialplan reload');
}

/** Loads a module unless it is; true if it was loaded now. */
async function ensureModule(paths: LabPaths, name: string): Promise<boolean> {
  if ((await cli(paths, `module show like ${name.replace(/\.so$/, '')}`)).includes(name))
    return false;
  await cli(paths, `module load ${name}`);
  return true;
}

/** How many of the given endpoints Asterisk knows (a reload is asynchronous in places). */
export async function endpointCount(paths: LabPaths, prefix: string): Promise<number> {
  const out = await cli(paths, `pjsip show endpoints like ${prefix}`);
  return (out.match(/^\s*Endpoint:\s+\S+/gm) ?? []).filter((l) => l.includes(prefix)).length;
}

/** Calls up on the lab Asterisk right now. */
export async function activeChannels(paths: LabPaths): Promise<number> {
  const out = await cli(paths, 'core show channels count');
  return Number(/(\d+) active channels?/.exec(out)?.[1] ?? 0);
}

/**
 * Waits up to `graceMs` for the lab's calls to end by themselves, then hangs up whatever is left
 * and says how many that was: calls a run leaves behind are a finding, and must not weigh on the
 * next run.
 */
export async function endLeftoverCalls(paths: LabPaths, graceMs: number): Promise<number> {
  const deadline = Date.now() + graceMs;
  let left = await activeChannels(paths);
  while (left > 0 && Date.now() < deadline) {
    await sleep(500);
    left = await activeChannels(paths);
  }
  if (left > 0) {
    await cli(paths, 'channel request hangup all');
    for (let i = 0; i < 20 && (await activeChannels(paths)) > 0; i++) await sleep(500);
  }
  return left;
}
