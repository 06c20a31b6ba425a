import { describe, expect, it } from 'vitest';
import { isHotlineError } from '../../lib/errors.js';
import { runEngine } from './run-engine.js';

async function failure(p: Promise<unknown>): Promise<{ code: string; pid: unknown }> {
  try {
    await p;
  } catch (err) {
    if (isHotlineError(err)) return { code: err.code, pid: err.details['pid'] };
    throw err;
  }
  throw new Error('expected a failure');
}

function gone(pid: unknown): boolean {
  try {
    process.kill(pid as number, 0);
    return false;
  } catch {
    return true;
  }
}

describe('speech engine process', () => {
  it('returns stdout and the log of a run that ends well', async () => {
    const r = await runEngine('sh', ['-c', 'echo heard; echo "INFO: log" >&2'], {
      timeoutMs: 5000,
    });
    expect(r.stdout).toBe('heard\n');
    expect(r.log).toContain('INFO: log');
  });

  it('a missing binary is SPEECH_FAILED', async () => {
    expect(
      (await failure(runEngine('/nonexistent/pocketsphinx_continuous', [], { timeoutMs: 5000 })))
        .code,
    ).toBe('SPEECH_FAILED');
  });

  it('a crash or non-zero exit is SPEECH_FAILED', async () => {
    expect(
      (
        await failure(
          runEngine('sh', ['-c', 'echo "FATAL: bad model" >&2; exit 1'], { timeoutMs: 5000 }),
        )
      ).code,
    ).toBe('SPEECH_FAILED');
    expect(
      (await failure(runEngine('sh', ['-c', 'kill -SEGV $$'], { timeoutMs: 5000 }))).code,
    ).toBe('SPEECH_FAILED');
  });

  it('the deadline kills the child and is SPEECH_TIMEOUT, after the child has exited', async () => {
    const started = Date.now();
    const f = await failure(runEngine('sleep', ['30'], { timeoutMs: 100 }));
    expect(f.code).toBe('SPEECH_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(gone(f.pid)).toBe(true);
  });

  it('an abort (the call ended) kills the child and is CALL_ENDED', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const f = await failure(runEngine('sleep', ['30'], { timeoutMs: 10_000, signal: ac.signal }));
    expect(f.code).toBe('CALL_ENDED');
    expect(gone(f.pid)).toBe(true);
    expect(
      (await failure(runEngine('sleep', ['30'], { timeoutMs: 10_000, signal: ac.signal }))).code,
    ).toBe('CALL_ENDED');
  });
});
