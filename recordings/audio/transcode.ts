import { execFile, spawn } from 'node:child_process';
import { Transform, type Readable } from 'node:stream';
import { HotlineError } from '../../lib/errors.js';

/**
 * Audio conversion for the warm tier through an ffmpeg child: WAV in, Ogg Opus out, and back to
 * raw samples to verify a copy by its decoded length. Every run has a deadline and a signal; on
 * either, or when the reader destroys the output, the child is killed through its own handle.
 */
export interface TranscodeOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

const FFMPEG = 'ffmpeg';
/** Call audio: what the decoder resamples to, and what one second of it weighs (16-bit mono). */
const DECODE_RATE = 8000;
const STDERR_KEEP_CHARS = 8192;
const STDERR_REPORT_LINES = 8;

type StopReason =
  | { kind: 'timeout' }
  | { kind: 'aborted'; cause: unknown }
  | { kind: 'input'; cause: unknown }
  | { kind: 'output-closed' };

/**
 * Ogg Opus from a WAV stream, at the WAV's own rate (8 kHz calls stay narrowband). `voip` tunes
 * the encoder for speech; VBR spends bits on speech and few on silence. The input is consumed: it
 * is destroyed when the run ends. The output errors with TRANSCODE_FAILED if ffmpeg fails, the
 * deadline passes or the signal aborts, and with the input's own error if the input fails. The
 * deadline covers the whole run, including time the reader spends not reading.
 */
export function toOpus(
  input: Readable,
  opts: TranscodeOptions & { bitrateKbps?: number | undefined },
): Readable {
  const kbps = opts.bitrateKbps ?? 16;
  // Opus's own range; a value outside it is a configuration bug, not a transcode failure.
  if (!Number.isInteger(kbps) || kbps < 6 || kbps > 510)
    throw new RangeError(`Opus bitrate must be 6..510 kbps, got ${kbps}`);
  // Encoder complexity 5 of 10: half the CPU of the default for narrowband speech, with files
  // within a few per cent of the same size (measured on 10 min of 8 kHz audio: 2.7 s vs 5.1 s).
  const args = [
    '-f',
    'wav',
    '-i',
    'pipe:0',
    '-map',
    '0:a:0',
    '-c:a',
    'libopus',
    '-b:a',
    `${kbps}k`,
    '-vbr',
    'on',
    '-application',
    'voip',
    '-compression_level',
    '5',
    '-f',
    'ogg',
    'pipe:1',
  ];
  return runFfmpeg('encode Opus', args, input, opts);
}

/**
 * The length of the audio in a stream, from the samples ffmpeg decodes (resampled to 8 kHz mono
 * 16-bit, so bytes / 16 per ms) rather than from any header or ffmpeg's own report. Opus's
 * pre-skip and end trimming are applied by ffmpeg's Ogg demuxer. Default format: 'ogg'.
 */
export async function decodedDurationMs(
  input: Readable,
  opts: TranscodeOptions & { format?: 'ogg' | 'wav' | undefined },
): Promise<number> {
  const args = [
    '-f',
    opts.format ?? 'ogg',
    '-i',
    'pipe:0',
    '-map',
    '0:a:0',
    '-f',
    's16le',
    '-ac',
    '1',
    '-ar',
    String(DECODE_RATE),
    'pipe:1',
  ];
  let bytes = 0;
  for await (const chunk of runFfmpeg('decode', args, input, opts) as AsyncIterable<Buffer>)
    bytes += chunk.length;
  return (bytes / 2 / DECODE_RATE) * 1000;
}

/** Whether ffmpeg runs here and has the libopus encoder (not every build does). */
export function ffmpegAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      FFMPEG,
      ['-hide_banner', '-encoders'],
      { timeout: 5000, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout) => {
        resolve(!err && /^\s*A\S*\s+libopus\s/m.test(String(stdout)));
      },
    );
  });
}

/**
 * One ffmpeg run: `input` to its stdin, its stdout as the returned stream. The stream ends only
 * after ffmpeg has exited 0, so a reader never takes a truncated output for a whole one; it errors
 * only after the child has exited, so no ffmpeg outlives a failed stream.
 */
function runFfmpeg(
  what: string,
  args: string[],
  input: Readable,
  opts: TranscodeOptions,
): Readable {
  let stopReason: StopReason | undefined;
  let settled = false;
  let failure: Error | undefined;

  const child = spawn(FFMPEG, ['-hide_banner', '-loglevel', 'error', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_KEEP_CHARS);
  });
  const stderrDone = new Promise<void>((resolve) => child.stderr.once('close', resolve));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    spawnError?: Error;
  }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // Without a pid the child never started (e.g. ffmpeg missing); other errors precede an exit.
    child.on('error', (err) => {
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError: err });
    });
  });
  // The last stderr lines arrive after the exit; the report waits for them.
  const stopped = exited.then(async (exit) => {
    await stderrDone;
    return exit;
  });

  const stop = (reason: StopReason): void => {
    if (stopReason || settled) return;
    stopReason = reason;
    child.kill('SIGKILL');
    // Unread output would keep the pipe open; nobody will read it now.
    child.stdout.destroy();
  };

  const output = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, chunk);
    },
    flush(done) {
      void stopped.then(() => done(failure ?? null));
    },
    destroy(err, done) {
      stop({ kind: 'output-closed' });
      void stopped.then(() => done(err));
    },
  });

  // ffmpeg may stop reading early (bad input, trailing chunks after the data): its exit status is
  // the verdict, not the broken pipe.
  child.stdin.on('error', () => undefined);
  // Stays attached after the run: an error from a stream we destroyed must not go unhandled.
  input.on('error', (err) => stop({ kind: 'input', cause: err }));
  input.pipe(child.stdin);
  child.stdout.pipe(output);

  const timer = setTimeout(() => stop({ kind: 'timeout' }), opts.timeoutMs);
  const onAbort = (): void => stop({ kind: 'aborted', cause: opts.signal?.reason });
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  void stopped.then((exit) => {
    settled = true;
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    input.unpipe(child.stdin);
    if (!input.readableEnded) input.destroy();
    failure = failureOf(what, opts, stopReason, exit, stderr, child.pid);
    if (!failure) return;
    child.stdout.destroy();
    output.destroy(failure);
  });
  return output;
}

function failureOf(
  what: string,
  opts: TranscodeOptions,
  reason: StopReason | undefined,
  exit: { code: number | null; signal: NodeJS.Signals | null; spawnError?: Error },
  stderr: string,
  pid: number | undefined,
): Error | undefined {
  if (reason?.kind === 'input' && reason.cause instanceof Error) return reason.cause;
  if (!reason && !exit.spawnError && exit.code === 0) return undefined;
  const tail = stderr.trim().split('\n').slice(-STDERR_REPORT_LINES).join('\n').trim();
  const why =
    reason?.kind === 'timeout'
      ? `took longer than ${opts.timeoutMs} ms`
      : reason?.kind === 'aborted'
        ? 'was aborted'
        : reason?.kind === 'output-closed'
          ? 'output closed by its reader'
          : reason?.kind === 'input'
            ? 'input failed'
            : exit.spawnError
              ? `could not start: ${exit.spawnError.message}`
              : `exited with ${exit.code ?? exit.signal ?? 'unknown status'}`;
  const cause = exit.spawnError ?? (reason && 'cause' in reason ? reason.cause : undefined);
  return new HotlineError(
    'TRANSCODE_FAILED',
    `[recordings] [ffmpeg] ${what} ${why}${tail ? `: ${tail}` : ''}`,
    {
      ...(cause === undefined ? {} : { cause }),
      details: {
        reason: reason?.kind ?? 'exit',
        code: exit.code,
        signal: exit.signal,
        pid,
        stderr: tail,
      },
    },
  );
}
