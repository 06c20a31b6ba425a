/** Capped exponential backoff with full jitter, so many controllers never reconnect in step. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  constructor(private readonly opts: BackoffOptions) {}

  /** The next delay: uniformly random in [cap/2, cap], cap = min(max, initial * 2^attempt). */
  next(): number {
    const cap = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    const r = (this.opts.random ?? Math.random)();
    return Math.round(cap / 2 + (cap / 2) * r);
  }

  reset(): void {
    this.attempt = 0;
  }
}
