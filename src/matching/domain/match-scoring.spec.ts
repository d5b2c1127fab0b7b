import {
  combineComponents,
  roundScore,
  SCORE_WEIGHTS,
  SCORER_VERSION,
  textComponent,
} from 'src/matching/domain/match-scoring';

describe('match scoring', () => {
  it('has weights that sum to 1, so a perfect match scores 100', () => {
    expect(SCORE_WEIGHTS.text + SCORE_WEIGHTS.cpv + SCORE_WEIGHTS.eligibility).toBeCloseTo(1, 12);
    expect(roundScore(combineComponents(1, 1, 1))).toBe(100);
    expect(roundScore(combineComponents(0, 0, 0))).toBe(0);
  });

  it.each([
    [0, 0],
    [-1, 0],
    [Number.NaN, 0],
    [1, 1],
    [2, 1],
  ])('maps a text ratio of %d to %d', (ratio, text) => {
    expect(textComponent(ratio)).toBeCloseTo(text, 12);
  });

  it('maps text ratios onto 0–1 strictly increasingly', () => {
    let previous = 0;
    for (let ratio = 0.001; ratio <= 1; ratio += 0.001) {
      const value = textComponent(ratio);
      expect(value).toBeGreaterThan(previous);
      expect(value).toBeLessThanOrEqual(1);
      previous = value;
    }
  });

  it('rounds scores to one decimal', () => {
    expect(roundScore(81.94)).toBe(81.9);
    expect(roundScore(81.95)).toBe(82);
  });

  it('names the scorer version', () => {
    expect(SCORER_VERSION).toMatch(/\S/);
  });
});
