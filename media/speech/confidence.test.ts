import { describe, expect, it } from 'vitest';
import { CALIBRATION, confidence } from './confidence.js';

describe('speech confidence', () => {
  const c = CALIBRATION.en;
  it('is 0.5 at the calibrated offset and stays within 0..1', () => {
    expect(confidence({ margin: c.offset, misfit: 0 }, c)).toBeCloseTo(0.5, 6);
    expect(confidence({ margin: -1e6, misfit: 1e6 }, c)).toBeGreaterThanOrEqual(0);
    expect(confidence({ margin: Infinity, misfit: -1e6 }, c)).toBeLessThanOrEqual(1);
  });

  it('grows with the margin over the rival intents and falls with the misfit to the phone loop', () => {
    expect(confidence({ margin: 5, misfit: 10 }, c)).toBeGreaterThan(
      confidence({ margin: 1, misfit: 10 }, c),
    );
    expect(confidence({ margin: 5, misfit: 10 }, c)).toBeGreaterThan(
      confidence({ margin: 5, misfit: 30 }, c),
    );
  });

  it('no rival at all counts as a capped margin, not as certainty', () => {
    expect(confidence({ margin: Infinity, misfit: 200 }, c)).toBeLessThan(0.5);
  });
});
