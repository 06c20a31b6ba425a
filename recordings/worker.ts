import type { RecordingCapture } from './capture.js';
import type { RecordingsDeps } from './deps.js';
import { ingestPending } from './ingest.js';
import { runTiering, type TierSummary } from './tiering/run.js';

/**
 * The tiering worker on a schedule: each pass stores recordings left pending, then moves and
 * deletes what is due. Passes never overlap; several controllers may each run one (every
 * recording is locked while it moves).
 */
export class TieringWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: RecordingsDeps,
    private readonly opts: {
      intervalMs: number;
      concurrency: number;
      capture?: RecordingCapture | undefined;
      onPass?: (s: TierSummary) => void;
    },
  ) {}

  start(firstDelayMs = 5000): void {
    this.schedule(firstDelayMs);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => {
        this.running = undefined;
        this.schedule(this.opts.intervalMs);
      });
    }, ms);
    this.timer.unref();
  }

  async pass(): Promise<void> {
    const log = this.deps.log;
    try {
      const swept = this.opts.capture
        ? await this.opts.capture.sweep()
        : await ingestPending(this.deps, { quietMs: 10_000, giveUpMs: 24 * 3600_000 });
      if (swept.ingested || swept.failed || swept.lost) log.info(swept, 'pending recordings swept');
      const s = await runTiering(this.deps, { concurrency: this.opts.concurrency });
      if (s.planned || s.cleaned || s.failed.length) {
        log.info(
          {
            moved: s.moved,
            deleted: s.deleted,
            held: s.held,
            cleaned: s.cleaned,
            failed: s.failed.length,
            ms: s.ms,
          },
          'tiering pass',
        );
      }
      this.opts.onPass?.(s);
    } catch (err) {
      log.error({ err }, 'tiering pass failed; the next pass retries');
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
