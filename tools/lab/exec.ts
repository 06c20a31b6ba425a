import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { HotlineError } from '../../lib/errors.js';

/** Runs a command with a deadline; rejects LAB_FAILED with its stderr tail on failure. */
export function exec(
  cmd: string,
  args: string[],
  opts: { timeoutMs: number; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      {
        timeout: opts.timeoutMs,
        env: opts.env ?? process.env,
        cwd: opts.cwd,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        if (err) {
          const tail = String(stderr).trim().split('\n').slice(-8).join('\n');
          reject(
            new HotlineError(
              'LAB_FAILED',
              `${cmd} ${args.join(' ')} failed: ${err.message}${tail ? `\n${tail}` : ''}`,
              { cause: err },
            ),
          );
        } else resolve(String(stdout));
      },
    );
  });
}

/** Like exec, but streams output to our stderr (long installs show progress). */
export function execLoud(
  cmd: string,
  args: string[],
  opts: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: opts.env ?? process.env,
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new HotlineError('LAB_FAILED', `${cmd}: ${err.message}`, { cause: err }));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new HotlineError('LAB_FAILED', `${cmd} ${args.join(' ')} exited with ${String(code)}`),
        );
    });
  });
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A pid from a pid file is ours only if that process still runs the program we started: after a
 * reboot or a CI fresh start the number may belong to something else.
 */
export function isAliveAs(pid: number | undefined, program: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${String(pid)}/cmdline`, 'latin1').includes(program);
  } catch {
    return false;
  }
}

export async function commandExists(cmd: string): Promise<boolean> {
  try {
    await exec('sh', ['-c', `command -v ${cmd}`], { timeoutMs: 5000 });
    return true;
  } catch {
    return false;
  }
}
