import { readFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HotlineError } from '../../lib/errors.js';
import { sleep } from '../../lib/wait.js';
import { exec, isAlive, isAliveAs } from './exec.js';
import type { LabPaths } from './paths.js';

const pidFile = (paths: LabPaths): string => join(paths.run, 'redis.pid');

export async function redisPid(paths: LabPaths): Promise<number | undefined> {
  const pid = Number((await readFile(pidFile(paths), 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 && isAliveAs(pid, 'redis-server') ? pid : undefined;
}

/**
 * A loopback-only Redis for the lab, with an append-only file as production should have: agents'
 * states and waiting callers survive a Redis restart (within a second).
 */
export async function startRedis(paths: LabPaths, port: number): Promise<number> {
  const running = await redisPid(paths);
  if (running) return running;
  await mkdir(paths.run, { recursive: true });
  await mkdir(paths.logs, { recursive: true });
  await exec(
    'redis-server',
    [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '--port',
      String(port),
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--pidfile',
      pidFile(paths),
      '--logfile',
      join(paths.logs, 'redis.log'),
      '--dir',
      paths.run,
    ],
    { timeoutMs: 10_000 },
  );
  for (let i = 0; i < 50; i++) {
    const pid = await redisPid(paths);
    if (
      pid &&
      (
        await exec('redis-cli', ['-p', String(port), 'ping'], { timeoutMs: 2000 }).catch(() => '')
      ).includes('PONG')
    )
      return pid;
    await sleep(100);
  }
  throw new HotlineError(
    'LAB_FAILED',
    `Redis did not start on port ${port}; see ${join(paths.logs, 'redis.log')}`,
  );
}

export async function stopRedis(paths: LabPaths): Promise<void> {
  const pid = await redisPid(paths);
  if (!pid) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 50 && isAlive(pid); i++) await sleep(100);
}
