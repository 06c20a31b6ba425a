/**
 * Overload control: whether a new call may come in. Two limits, each off at 0: calls in progress
 * on this controller, and new calls per second (a token bucket holding one second's worth, so a
 * burst never exceeds the rate). Calls already inside are never counted against newcomers' limit
 * in a way that ends them: only new calls are refused.
 */
export interface AdmissionLimits {
  maxCalls: number;
  maxNewPerSecond: number;
}

export type Admission = { ok: true } | { ok: false; reason: 'calls' | 'rate' };

export class AdmissionControl {
  private tokens: number;
  private last: number;
  /** Refusals so far, by reason (metrics and the load report read them). */
  readonly refused = { calls: 0, rate: 0 };

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limits.maxNewPerSecond;
    this.last = now();
  }

  admit(inProgress: number): Admission {
    if (this.limits.maxCalls > 0 && inProgress >= this.limits.maxCalls) return this.refuse('calls');
    if (this.limits.maxNewPerSecond > 0) {
      const t = this.now();
      this.tokens = Math.min(
        this.limits.maxNewPerSecond,
        this.tokens + ((t - this.last) / 1000) * this.limits.maxNewPerSecond,
      );
      this.last = t;
      if (this.tokens < 1) return this.refuse('rate');
      this.tokens -= 1;
    }
    return { ok: true };
  }

  private refuse(reason: 'calls' | 'rate'): Admission {
    this.refused[reason]++;
    return { ok: false, reason };
  }
}
