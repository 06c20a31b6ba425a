import { spawn } from 'node:child_process';
import { HotlineError } from '../../lib/errors.js';

export interface EngineRun {
  stdout: string;
  /** The engine's log (pocketsphinx reports scores there); only the last LOG_KEEP bytes. */
  log: string;
  ms: number;
}

/** A decode logs about 30 KB; the part that matters (scores, word table) comes last. */
const LOG_KEEP = 256 * 1024;

/**
 * Runs the engine once with a deadline and the caller's AbortSignal. On timeout or abort the child
 * is killed by its own pid and the promise settles only after it has exited, so nothing outlives
 * the call. Missing binary, crash or non-zero exit: SPEECH_FAILED; deadline: SPEECH_TIMEOUT;
 * abort (the call ended): CALL_ENDED, as every other wait in the controller.
 */
export function runEngine(
  binary: string,
  args: readonly string[],
  opts: { timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<EngineRun> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new HotlineError('CALL_ENDED', '[speech] call ended before recognition started'));
      return;
    }
    const started = performance.now();
    // stdin ignored: from Node the child would get a socket, and the engine reads files only.
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    let stopped: 'timeout' | 'abort' | undefined;
    let spawnError: Error | undefined;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      err = (err + b.toString('utf8')).slice(-LOG_KEEP);
    });
    const stop = (why: 'timeout' | 'abort'): void => {
      if (stopped) return;
      stopped = why;
      child.kill('SIGKILL'); // child.kill signals child.pid only, never a group or a name
    };
    const timer = setTimeout(() => stop('timeout'), opts.timeoutMs);
    const onAbort = (): void => stop('abort');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (e) => {
      spawnError = e; // 'close' still follows
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      const ms = performance.now() - started;
      const details = { binary, pid: child.pid, code, signal };
      if (stopped === 'abort')
        reject(
          new HotlineError('CALL_ENDED', '[speech] call ended during recognition', { details }),
        );
      else if (stopped === 'timeout')
        reject(
          new HotlineError(
            'SPEECH_TIMEOUT',
            `[speech] ${binary} took longer than ${String(opts.timeoutMs)} ms`,
            { details: { ...details, timeoutMs: opts.timeoutMs } },
          ),
        );
      else if (spawnError)
        reject(
          new HotlineError(
            'SPEECH_FAILED',
            `[speech] cannot run ${binary}: ${spawnError.message}`,
            { cause: spawnError, details },
          ),
        );
      else if (code !== 0)
        reject(
          new HotlineError(
            'SPEECH_FAILED',
            `[speech] ${binary} exited with ${String(code ?? signal)}: ${lastLines(err)}`,
            { details },
          ),
        );
      else resolve({ stdout: Buffer.concat(out).toString('utf8'), log: err, ms });
    });
  });
}

function lastLines(text: string): string {
  const errors = text.split('\n').filter((l) => /^(ERROR|FATAL)/.test(l));
  return (errors.length ? errors : text.trim().split('\n')).slice(-3).join(' | ');
}
