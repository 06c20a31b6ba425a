import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EslConnection } from '../../controller/media-server/freeswitch/connection.js';
import { HotlineError } from '../../lib/errors.js';
import { sleep } from '../../lib/wait.js';
import { exec, isAlive, isAliveAs } from './exec.js';
import { installFreeswitchConfig, LAB_FREESWITCH } from './freeswitch-config.js';
import type { FreeswitchLabPaths } from './paths.js';

const pidFile = (paths: FreeswitchLabPaths): string => join(paths.run, 'freeswitch.pid');

export async function freeswitchPid(paths: FreeswitchLabPaths): Promise<number | undefined> {
  const pid = Number((await readFile(pidFile(paths), 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 && isAliveAs(pid, 'freeswitch') ? pid : undefined;
}

/** One `api` command over a short-lived event-socket connection (no events). */
export async function freeswitchApi(command: string, timeoutMs = 5000): Promise<string> {
  const conn = await EslConnection.open({
    host: LAB_FREESWITCH.eslHost,
    port: LAB_FREESWITCH.eslPort,
    password: LAB_FREESWITCH.eslPassword,
    events: [],
    timeoutMs,
  });
  try {
    return await conn.api(command, { timeoutMs });
  } finally {
    await conn.close();
  }
}

/**
 * Installs the project's configuration into the root and starts FreeSWITCH in it, detached, on
 * loopback. A FreeSWITCH already running is left as it is (`hotline lab down` first to load
 * configuration changes: new profiles and modules are read at start).
 */
export async function startFreeswitch(
  paths: FreeswitchLabPaths,
  opts: { seedPrompts?: string | undefined } = {},
): Promise<number> {
  const running = await freeswitchPid(paths);
  if (running) return running;
  await exec('bash', [paths.script, 'mount', paths.root], { timeoutMs: 20_000 });
  await installFreeswitchConfig(paths, opts);
  await mkdir(paths.logs, { recursive: true });
  await mkdir(paths.run, { recursive: true });
  const out = openSync(join(paths.logs, 'freeswitch.log'), 'a');
  // -nf: stay in the foreground (the pid is FreeSWITCH's own, chroot execs it); -nc: no console;
  // -nonat: no UPnP/NAT-PMP probing. detached: its own session, so our exit does not take it down.
  const child = spawn(
    'chroot',
    [paths.root, `${paths.prefix}/bin/freeswitch`, '-nf', '-nc', '-nonat'],
    { detached: true, stdio: ['ignore', out, out] },
  );
  closeSync(out);
  child.unref();
  const pid = child.pid;
  if (!pid) throw new HotlineError('LAB_FAILED', 'could not start FreeSWITCH');
  await writeFile(pidFile(paths), `${pid}\n`);
  await waitForFreeswitch(pid, 60_000, join(paths.logs, 'freeswitch.log'));
  return pid;
}

/** Up when the event socket answers and the carrier trunk's SIP profile runs. */
async function waitForFreeswitch(pid: number, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!isAlive(pid))
      throw new HotlineError('LAB_FAILED', `FreeSWITCH exited during start-up; see ${logFile}`);
    try {
      const status = await freeswitchApi('sofia status', 2000);
      if (/\btrunk\s+profile\s+\S+\s+RUNNING/.test(status)) return;
      last = 'the trunk profile is not running yet';
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(250);
  }
  throw new HotlineError(
    'LAB_FAILED',
    `FreeSWITCH did not come up within ${timeoutMs} ms (${last}); see ${logFile}`,
  );
}

/** Stops the FreeSWITCH we started (by its pid), then unmounts what the root had mounted. */
export async function stopFreeswitch(paths: FreeswitchLabPaths): Promise<void> {
  const pid = await freeswitchPid(paths);
  if (pid) {
    // SIGTERM is FreeSWITCH's orderly shutdown (calls hung up, files closed).
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 30 && isAlive(pid); i++) await sleep(100);
  }
  await rm(pidFile(paths), { force: true });
  await exec('bash', [paths.script, 'umount', paths.root], { timeoutMs: 20_000 }).catch(
    () => undefined,
  );
}
