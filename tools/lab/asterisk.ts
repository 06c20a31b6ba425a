import { openSync, closeSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rm, chmod, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { HotlineError } from '../../lib/errors.js';
import { sleep } from '../../lib/wait.js';
import { exec, isAlive, isAliveAs } from './exec.js';
import type { LabPaths } from './paths.js';
import type { AsteriskServerConfig } from '../../controller/config/schema.js';

const pidFile = (paths: LabPaths): string => join(paths.run, 'asterisk.pid');

/** Replaces the chroot's /etc/asterisk with the project's dialplan/asterisk files. */
export async function syncAsteriskConfig(paths: LabPaths): Promise<void> {
  const etc = join(paths.root, 'etc', 'asterisk');
  await mkdir(etc, { recursive: true });
  for (const f of await readdir(etc)) if (f.endsWith('.conf')) await rm(join(etc, f));
  for (const f of await readdir(paths.asteriskConfig)) {
    if (!f.endsWith('.conf')) continue;
    await copyFile(join(paths.asteriskConfig, f), join(etc, f));
    await chmod(join(etc, f), 0o644);
  }
}

export async function asteriskPid(paths: LabPaths): Promise<number | undefined> {
  const text = await readFile(pidFile(paths), 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 && isAliveAs(pid, 'asterisk') ? pid : undefined;
}

export async function startAsterisk(paths: LabPaths, ari: AsteriskServerConfig): Promise<number> {
  const running = await asteriskPid(paths);
  if (running) {
    // Already up: give it the project's current configuration. A reload does not load modules
    // added to modules.conf since it started, so each listed module is loaded (a no-op if it is).
    await syncAsteriskConfig(paths);
    await exec('chroot', [paths.root, '/usr/sbin/asterisk', '-rx', 'core reload'], {
      timeoutMs: 15_000,
    });
    const listed = [
      ...(await readFile(join(paths.asteriskConfig, 'modules.conf'), 'utf8')).matchAll(
        /^load = (\S+)$/gm,
      ),
    ].map((m) => m[1]!);
    const loaded = await exec('chroot', [paths.root, '/usr/sbin/asterisk', '-rx', 'module show'], {
      timeoutMs: 15_000,
    });
    for (const mod of listed.filter((m) => !loaded.includes(m))) {
      await exec('chroot', [paths.root, '/usr/sbin/asterisk', '-rx', `module load ${mod}`], {
        timeoutMs: 15_000,
      });
    }
    return running;
  }
  await exec('bash', [paths.script, 'mount', paths.root], { timeoutMs: 20_000 });
  await syncAsteriskConfig(paths);
  // Without the recording folder, bridge recording answers 500.
  const inside = (p: string): string => join(paths.root, p);
  for (const d of [
    'run/asterisk',
    'var/run/asterisk',
    'var/spool/asterisk/recording',
    'var/log/asterisk',
    'var/lib/asterisk',
  ]) {
    await mkdir(inside(d), { recursive: true });
  }
  await exec(
    'chroot',
    [
      paths.root,
      'chown',
      '-R',
      'asterisk:asterisk',
      '/run/asterisk',
      '/var/spool/asterisk',
      '/var/log/asterisk',
      '/var/lib/asterisk',
    ],
    { timeoutMs: 20_000 },
  );
  await mkdir(paths.logs, { recursive: true });
  await mkdir(paths.run, { recursive: true });
  const out = openSync(join(paths.logs, 'asterisk.log'), 'a');
  // detached: its own session (setsid), so neither our exit nor job control takes it down.
  const child = spawn(
    'chroot',
    [paths.root, '/usr/sbin/asterisk', '-f', '-U', 'asterisk', '-G', 'asterisk'],
    {
      detached: true,
      stdio: ['ignore', out, out],
    },
  );
  closeSync(out);
  child.unref();
  const pid = child.pid;
  if (!pid) throw new HotlineError('LAB_FAILED', 'could not start Asterisk');
  await writeFile(pidFile(paths), `${pid}\n`);
  await waitForAri(ari, 30_000, pid);
  return pid;
}

/** Asterisk is up when ARI answers an authenticated request. */
export async function waitForAri(
  ari: AsteriskServerConfig,
  timeoutMs: number,
  pid?: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const auth = `Basic ${Buffer.from(`${ari.username}:${ari.password}`).toString('base64')}`;
  let last = '';
  while (Date.now() < deadline) {
    if (pid !== undefined && !isAlive(pid))
      throw new HotlineError(
        'LAB_FAILED',
        'Asterisk exited during start-up; see the lab log folder',
      );
    try {
      const res = await fetch(`${ari.url}/ari/asterisk/ping`, {
        headers: { authorization: auth },
        signal: AbortSignal.timeout(2000),
      });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await sleep(200);
  }
  throw new HotlineError('LAB_FAILED', `ARI did not answer within ${timeoutMs} ms (${last})`);
}

export async function stopAsterisk(paths: LabPaths): Promise<void> {
  const pid = await asteriskPid(paths);
  if (pid) {
    await exec('chroot', [paths.root, '/usr/sbin/asterisk', '-rx', 'core stop now'], {
      timeoutMs: 15_000,
    }).catch(() => undefined);
    for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 30 && isAlive(pid); i++) await sleep(100);
  }
  await rm(pidFile(paths), { force: true });
  await exec('bash', [paths.script, 'umount', paths.root], { timeoutMs: 20_000 }).catch(
    () => undefined,
  );
}
