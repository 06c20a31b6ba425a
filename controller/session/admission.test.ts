import { describe, expect, it } from 'vitest';
import { AdmissionControl } from './admission.js';

describe('admission control', () => {
  it('no limits: everyone comes in', () => {
    const a = new AdmissionControl({ maxCalls: 0, maxNewPerSecond: 0 });
    for (let i = 0; i < 1000; i++) expect(a.admit(i).ok).toBe(true);
  });

  it('calls in progress: the limit refuses newcomers only while it is reached', () => {
    const a = new AdmissionControl({ maxCalls: 3, maxNewPerSecond: 0 });
    expect(a.admit(2)).toEqual({ ok: true });
    expect(a.admit(3)).toEqual({ ok: false, reason: 'calls' });
    expect(a.admit(2)).toEqual({ ok: true });
    expect(a.refused).toEqual({ calls: 1, rate: 0 });
  });

  it('new calls per second: a burst gets one second’s worth, then the steady rate', () => {
    let t = 0;
    const a = new AdmissionControl({ maxCalls: 0, maxNewPerSecond: 10 }, () => t);
    const burst = Array.from({ length: 25 }, () => a.admit(0).ok).filter(Boolean).length;
    expect(burst).toBe(10);
    // Three times the rate for 10 s: a third comes in.
    let admitted = 0;
    for (let i = 0; i < 300; i++) {
      t += 1000 / 30;
      if (a.admit(0).ok) admitted++;
    }
    expect(admitted).toBeGreaterThanOrEqual(99);
    expect(admitted).toBeLessThanOrEqual(101);
    expect(a.refused.rate).toBe(15 + 300 - admitted);
    // Quiet again: back to normal at once.
    t += 5000;
    expect(Array.from({ length: 10 }, () => a.admit(0).ok).every(Boolean)).toBe(true);
  });
});
