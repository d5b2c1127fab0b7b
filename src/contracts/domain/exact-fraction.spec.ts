import { DecimalInput, Fraction } from 'src/contracts/domain/exact-fraction';

function parts(fraction: Fraction): [bigint, bigint] {
  return [fraction.numerator, fraction.denominator];
}

describe('Fraction', () => {
  describe('parse', () => {
    it.each<[DecimalInput, bigint, bigint]>([
      [0.1, 1n, 10n],
      [0.3, 3n, 10n],
      [14, 14n, 1n],
      [93.3333, 933333n, 10000n],
      [1e-7, 1n, 10000000n],
      [-2.5, -5n, 2n],
      [1.5e21, 1500000000000000000000n, 1n],
      [-0, 0n, 1n],
      [0, 0n, 1n],
      ['0.3', 3n, 10n],
      ['0.300000', 3n, 10n],
      ['-0.25', -1n, 4n],
      ['+7', 7n, 1n],
      ['.5', 1n, 2n],
      ['5.', 5n, 1n],
      ['12.345e2', 2469n, 2n],
      ['1E-3', 1n, 1000n],
      ['00012', 12n, 1n],
      ['123456789012345678901234567890.5', 246913578024691357802469135781n, 2n],
    ])('reads %p exactly as %p/%p', (input, numerator, denominator) => {
      expect(parts(Fraction.parse(input))).toEqual([numerator, denominator]);
    });

    it('reads a number through its shortest round-trip form, not its binary value', () => {
      // 0.1 + 0.2 is 0.30000000000000004 as a double: the written form is what is kept.
      expect(Fraction.parse(0.1 + 0.2).toString()).toBe('7500000000000001/25000000000000000');
      expect(Fraction.parse(0.1).plus(Fraction.parse(0.2)).equals(Fraction.parse(0.3))).toBe(true);
    });

    it('reads the smallest and largest doubles without losing digits', () => {
      expect(Fraction.parse(5e-324).equals(Fraction.of(5n, 10n ** 324n))).toBe(true);
      expect(Fraction.parse(Number.MAX_VALUE).numerator).toBe(17976931348623157n * 10n ** 292n);
    });

    it.each<[DecimalInput]>([
      [NaN],
      [Infinity],
      [-Infinity],
      [''],
      ['.'],
      ['-'],
      ['1e'],
      [' 1'],
      ['1 '],
      ['1,5'],
      ['0x10'],
      ['1_000'],
      ['NaN'],
      ['Infinity'],
      ['1/3'],
      ['--1'],
      ['1e99999'],
    ])('refuses %p', (input) => {
      expect(() => Fraction.parse(input)).toThrow(RangeError);
      expect(Fraction.tryParse(input)).toBeNull();
    });

    it('refuses a value that is neither a number nor a string', () => {
      expect(() => Fraction.parse(null as unknown as DecimalInput)).toThrow(TypeError);
    });
  });

  describe('of', () => {
    it.each<[bigint, bigint, bigint, bigint]>([
      [6n, 8n, 3n, 4n],
      [-6n, 8n, -3n, 4n],
      [6n, -8n, -3n, 4n],
      [-6n, -8n, 3n, 4n],
      [0n, -5n, 0n, 1n],
      [10n, 1n, 10n, 1n],
    ])('normalises %p/%p to %p/%p with the sign on the numerator', (n, d, numerator, denominator) => {
      expect(parts(Fraction.of(n, d))).toEqual([numerator, denominator]);
    });

    it('refuses a zero denominator', () => {
      expect(() => Fraction.of(1n, 0n)).toThrow(RangeError);
    });

    it('makes equal values structurally equal', () => {
      expect(Fraction.of(2n, 4n)).toEqual(Fraction.of(1n, 2n));
    });
  });

  describe('fromInteger', () => {
    it('accepts bigints and safe integers only', () => {
      expect(Fraction.fromInteger(10n ** 30n).numerator).toBe(10n ** 30n);
      expect(Fraction.fromInteger(-3).numerator).toBe(-3n);
      expect(() => Fraction.fromInteger(1.5)).toThrow(RangeError);
      expect(() => Fraction.fromInteger(2 ** 53)).toThrow(RangeError);
    });
  });

  describe('arithmetic', () => {
    const third = Fraction.of(1n, 3n);
    const half = Fraction.of(1n, 2n);

    it.each<[string, () => Fraction, string]>([
      ['1/3 + 1/2', () => third.plus(half), '5/6'],
      ['1/3 − 1/2', () => third.minus(half), '-1/6'],
      ['1/3 × 1/2', () => third.times(half), '1/6'],
      ['1/3 ÷ 1/2', () => third.dividedBy(half), '2/3'],
      ['−(1/3)', () => third.negate(), '-1/3'],
      ['|−1/3|', () => third.negate().abs(), '1/3'],
      ['1/3 × 3', () => third.times(Fraction.fromInteger(3)), '1'],
      ['sum of 0.1 ten times', () => Fraction.sum(Array(10).fill(Fraction.parse(0.1))), '1'],
      ['sum of nothing', () => Fraction.sum([]), '0'],
    ])('computes %s exactly', (_label, compute, expected) => {
      expect(compute().toString()).toBe(expected);
    });

    it('refuses to divide by zero', () => {
      expect(() => third.dividedBy(Fraction.ZERO)).toThrow(RangeError);
    });
  });

  describe('comparison', () => {
    it.each<[string, string, -1 | 0 | 1]>([
      ['0.8', '0.7999999', 1],
      ['0.7999999', '0.8', -1],
      ['0.80', '0.8', 0],
      ['-1', '0', -1],
      ['-0.5', '-0.25', -1],
      ['1e-30', '0', 1],
    ])('compares %s with %s as %p', (a, b, expected) => {
      expect(Fraction.parse(a).compare(Fraction.parse(b))).toBe(expected);
    });

    it('picks the minimum and maximum', () => {
      const small = Fraction.parse('0.2');
      const large = Fraction.parse('0.3');
      expect(Fraction.min(small, large)).toBe(small);
      expect(Fraction.max(small, large)).toBe(large);
    });

    it.each<[string, string]>([
      ['-0.5', '0'],
      ['0.25', '0.25'],
      ['1.5', '1'],
    ])('clamps %s into [0, 1] as %s', (input, expected) => {
      expect(Fraction.parse(input).clamp(Fraction.ZERO, Fraction.ONE).toString()).toBe(
        Fraction.parse(expected).toString(),
      );
    });

    it('refuses an empty clamp range', () => {
      expect(() => Fraction.ONE.clamp(Fraction.ONE, Fraction.ZERO)).toThrow(RangeError);
    });

    it('answers the sign and integer predicates', () => {
      expect(Fraction.ZERO.isZero()).toBe(true);
      expect(Fraction.parse(-0.1).isNegative()).toBe(true);
      expect(Fraction.parse('4.0').isInteger()).toBe(true);
      expect(Fraction.parse('4.5').isInteger()).toBe(false);
    });
  });

  describe('floor', () => {
    it.each<[string, bigint]>([
      ['7/2', 3n],
      ['-7/2', -4n],
      ['6/2', 3n],
      ['-6/2', -3n],
      ['0', 0n],
      ['1/3', 0n],
      ['-1/3', -1n],
    ])('floors %s to %p, toward minus infinity', (text, expected) => {
      const [n, d] = text.split('/').map((part) => BigInt(part));
      expect(Fraction.of(n, d ?? 1n).floor()).toBe(expected);
    });
  });

  describe('toNumber', () => {
    it.each<[Fraction, number]>([
      [Fraction.parse(0.1), 0.1],
      [Fraction.of(14n, 15n), 14 / 15],
      [Fraction.of(-2n, 3n), -2 / 3],
      [Fraction.ZERO, 0],
      // Parts beyond 2^53 take the scaled path.
      [Fraction.of(10n ** 40n + 1n, 3n * 10n ** 40n), 1 / 3],
      [Fraction.of(-(10n ** 400n), 7n * 10n ** 399n), -10 / 7],
      [Fraction.of(1n, 10n ** 400n), 0],
      [Fraction.of(10n ** 400n, 1n), Infinity],
    ])('approximates %s as %p for display', (fraction, expected) => {
      expect(fraction.toNumber()).toBeCloseTo(expected, 12);
    });

    it('keeps tiny values that a double can still hold', () => {
      expect(Fraction.of(1n, 10n ** 300n).toNumber()).toBeCloseTo(1e-300, 310);
      expect(Fraction.of(1n, 10n ** 300n).toNumber()).toBeGreaterThan(0);
    });
  });
});
