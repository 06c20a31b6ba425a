import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HotlineError } from '../../lib/errors.js';
import { sleep } from '../../lib/wait.js';
import { isAlive, isAliveAs } from './exec.js';
import { PROJECT_ROOT, type LabPaths } from './paths.js';

const pidFile = (paths: LabPaths): string => join(paths.run, 'controller.pid');

export async function controllerPid(paths: LabPaths): Promise<number | undefined> {
  const pid = Number((await readFile(pidFile(paths), 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 && isAliveAs(pid, 'hotline') ? pid : undefined;
}

/** Runs `hotline start` detached, logging to the lab's log folder. */
/** `nodeArgs` go to Node itself (`hotline load --profile` passes `--cpu-prof`). */
export async function startControllerProcess(
  paths: LabPaths,
  configFile: string | undefined,
  readyUrl: string,
  nodeArgs: string[] = [],
): Promise<number> {
  const running = await controllerPid(paths);
  if (running) return running;
  await mkdir(paths.logs, { recursive: true });
  await mkdir(paths.run, { recursive: true });
  const out = openSync(join(paths.logs, 'controller.log'), 'a');
  const args = [
    ...nodeArgs,
    join(PROJECT_ROOT, 'bin', 'hotline.js'),
    'start',
    ...(configFile ? ['--config', configFile] : []),
  ];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', out, out],
    cwd: PROJECT_ROOT,
  });
  closeSync(out);
  child.unref();
  const pid = child.pid;
  if (!pid) throw new HotlineError('LAB_FAILED', 'could not start the controller');
  await writeFile(pidFile(paths), `${pid}\n`);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (!isAlive(pid))
      throw new HotlineError(
        'LAB_FAILED',
        `the controller exited; see ${join(paths.logs, 'controller.log')}`,
      );
    const ok = await fetch(readyUrl, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return pid;
    await sleep(200);
  }
  throw new HotlineError(
    'LAB_FAILED',
    `the controller did not become ready; see ${join(paths.logs, 'controller.log')}`,
  );
}

export async function stopControllerProcess(paths: LabPaths): Promise<void> {
  const pid = await controllerPid(paths);
  if (pid) {
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 150 && isAlive(pid); i++) await sleep(100);
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  await rm(pidFile(paths), { force: true });
}
