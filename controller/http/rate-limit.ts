/**
 * Per-caller token buckets (per controller process): `burst` requests at once, refilled at
 * `perSecond`. Buckets idle for a minute are forgotten.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private sweptAt = Date.now();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  /** Milliseconds to wait before retrying; 0 when the request may go. */
  take(who: string, now = Date.now()): number {
    if (now - this.sweptAt > 60_000) this.sweep(now);
    const b = this.buckets.get(who) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond);
    b.at = now;
    this.buckets.set(who, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) / this.perSecond) * 1000);
  }

  private sweep(now: number): void {
    this.sweptAt = now;
    for (const [k, b] of this.buckets) if (now - b.at > 60_000) this.buckets.delete(k);
  }
}
