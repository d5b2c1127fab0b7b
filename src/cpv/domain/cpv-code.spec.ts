import { cpvLevelOf, isCpvCode, significantDigits } from 'src/cpv/domain/cpv-code';

describe('CPV codes', () => {
  it.each([
    ['72000000-5', '72', 'division'],
    ['72200000-7', '722', 'group'],
    ['72210000-0', '7221', 'class'],
    ['72212000-4', '72212', 'category'],
    ['72212100-0', '722121', 'category'],
    ['03000000-1', '03', 'division'],
    ['10000000-0', '10', 'division'],
  ])('places %s at %s (%s)', (code, significant, level) => {
    expect(significantDigits(code)).toBe(significant);
    expect(cpvLevelOf(code)).toBe(level);
  });

  it.each(['72000000-5', '03111000-2'])('accepts %s as written', (code) => {
    expect(isCpvCode(code)).toBe(true);
  });

  it.each(['72000000', '7200000-5', '72000000-55', 'abcdefgh-1', ' 72000000-5', ''])(
    'refuses the malformed code %p',
    (code) => {
      expect(isCpvCode(code)).toBe(false);
    },
  );
});
