import {
  compareCpvCodes,
  CPV_LEVEL_SCORES,
  cpvSignificantDigits,
  prepareCpvCodes,
  scoreCpvCodes,
  sharedCpvLevel,
} from 'src/matching/domain/cpv-scoring';
import type { CpvMatchLevel } from 'src/matching/domain/matching.types';

describe('cpvSignificantDigits', () => {
  it.each([
    ['72000000-5', '72'],
    ['72200000-7', '722'],
    ['72210000-0', '7221'],
    ['72212000-4', '72212'],
    ['72212100-0', '722121'],
    ['45233141-9', '45233141'],
    ['03000000-1', '03'],
    ['00000000-0', '00'],
    ['72212000', '72212'],
    [' 72212000-4 ', '72212'],
  ])('%s → %s (check digit dropped, trailing zeros dropped, never below a division)', (code, digits) => {
    expect(cpvSignificantDigits(code)).toBe(digits);
  });

  it.each(['', '7221', '72212000-45', 'abcdefgh-1', '72-212000'])('rejects %j', (code) => {
    expect(cpvSignificantDigits(code)).toBeNull();
  });
});

describe('sharedCpvLevel', () => {
  it.each<[string, string, CpvMatchLevel | null]>([
    ['72212000-4', '72212000-4', 'exact'],
    ['72212000-4', '72212000-9', 'exact'], // a wrong check digit is still the same code
    ['72000000-5', '72000000-5', 'exact'],
    ['72212100-0', '72212000-4', 'category'],
    ['72212000-4', '72212100-0', 'category'],
    ['72212100-0', '72212200-1', 'category'],
    ['72212000-4', '72213000-1', 'class'],
    ['72212000-4', '72210000-0', 'class'],
    ['72212000-4', '72220000-3', 'group'],
    ['72212000-4', '72200000-7', 'group'],
    ['72212000-4', '72000000-5', 'division'],
    ['72000000-5', '72212000-4', 'division'],
    ['72212000-4', '79411000-8', null],
    ['45000000-7', '48000000-8', null],
  ])('%s against %s is %s', (need, supplier, level) => {
    const a = cpvSignificantDigits(need);
    const b = cpvSignificantDigits(supplier);
    expect(a).not.toBeNull();
    expect(b).not.toBeNull();
    expect(sharedCpvLevel(a as string, b as string)).toBe(level);
  });
});

describe('compareCpvCodes', () => {
  it('keeps the deepest level shared by any pair, and every pair at that level', () => {
    const result = scoreCpvCodes(['72212000-4', '48000000-8'], ['72000000-5', '72212100-0', '48000000-8']);
    expect(result.level).toBe('exact');
    expect(result.score).toBe(CPV_LEVEL_SCORES.exact);
    expect(result.matches).toEqual([{ need: '48000000-8', supplier: '48000000-8', level: 'exact' }]);
  });

  it('lists every pair sharing the deepest level found', () => {
    const result = scoreCpvCodes(['72212000-4', '72222300-0'], ['72200000-7']);
    expect(result.level).toBe('group');
    expect(result.matches).toEqual([
      { need: '72212000-4', supplier: '72200000-7', level: 'group' },
      { need: '72222300-0', supplier: '72200000-7', level: 'group' },
    ]);
  });

  it.each([
    [[], ['72000000-5']],
    [['72000000-5'], []],
    [[], []],
    [['not a code'], ['72000000-5']],
    [['45000000-7'], ['72000000-5']],
  ])('scores 0 with no match for %j against %j', (need, supplier) => {
    expect(scoreCpvCodes(need, supplier)).toEqual({ level: null, score: 0, matches: [] });
  });

  it('orders level scores from exact down to division, all within 0–1', () => {
    const order: CpvMatchLevel[] = ['exact', 'category', 'class', 'group', 'division'];
    for (let i = 1; i < order.length; i++) {
      expect(CPV_LEVEL_SCORES[order[i]]).toBeLessThan(CPV_LEVEL_SCORES[order[i - 1]]);
      expect(CPV_LEVEL_SCORES[order[i]]).toBeGreaterThan(0);
    }
    expect(CPV_LEVEL_SCORES.exact).toBe(1);
  });

  it('ignores duplicate and invalid codes when preparing', () => {
    expect(prepareCpvCodes(['72000000-5', '72000000-9', 'x', '48000000-8'])).toEqual({
      codes: ['72000000-5', '48000000-8'],
      digits: ['72', '48'],
    });
    expect(compareCpvCodes(prepareCpvCodes([]), prepareCpvCodes([])).score).toBe(0);
  });
});
