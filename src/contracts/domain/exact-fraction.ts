// Exact rational numbers on BigInt. Payment rules read decimals as written and round once at the end;
// binary floating point would turn 0.1 into 0.1000000000000000055… and lose pennies on a floor.

/** A decimal as it arrives: a JSON number, or a string such as a PostgreSQL `numeric` column gives. */
export type DecimalInput = number | string;

// Sign, integer digits, optional fraction digits, optional exponent: the shapes `String(number)` and
// PostgreSQL `numeric` produce. Whitespace, hex, `_` separators, NaN and Infinity are all refused.
const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

// No real quantity needs more; a hostile "1e999999999" would otherwise build a gigantic BigInt.
const MAX_DECIMAL_EXPONENT = 1000;

/**
 * An exact rational number, always normalised: the denominator is positive, the sign is on the
 * numerator, and numerator and denominator share no factor (so equal values have equal fields).
 */
export class Fraction {
  static readonly ZERO = new Fraction(0n, 1n);
  static readonly ONE = new Fraction(1n, 1n);

  private constructor(
    readonly numerator: bigint,
    readonly denominator: bigint,
  ) {}

  static of(numerator: bigint, denominator: bigint = 1n): Fraction {
    if (denominator === 0n) {
      throw new RangeError('Fraction denominator must not be zero');
    }
    // Keep the sign on the numerator so that comparison and floor need not think about it.
    const sign = denominator < 0n ? -1n : 1n;
    const divisor = gcd(numerator, denominator);
    return new Fraction((sign * numerator) / divisor, (sign * denominator) / divisor);
  }

  static fromInteger(value: bigint | number): Fraction {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new RangeError(`Expected a safe integer, got ${String(value)}`);
    }
    return new Fraction(BigInt(value), 1n);
  }

  /**
   * Reads a decimal exactly as written. A number goes through its shortest round-trip string
   * (`String(0.1)` is "0.1"), so 0.1 becomes exactly 1/10, and 1e-7 exactly 1/10,000,000.
   */
  static parse(input: DecimalInput): Fraction {
    if (typeof input === 'number') {
      if (!Number.isFinite(input)) {
        throw new RangeError(`Expected a finite decimal, got ${String(input)}`);
      }
      return parseDecimalText(String(input));
    }
    if (typeof input === 'string') {
      return parseDecimalText(input);
    }
    throw new TypeError(`Expected a decimal number or string, got ${typeof input}`);
  }

  // For validators that report a problem instead of throwing.
  static tryParse(input: DecimalInput): Fraction | null {
    try {
      return Fraction.parse(input);
    } catch {
      return null;
    }
  }

  static min(a: Fraction, b: Fraction): Fraction {
    return a.compare(b) <= 0 ? a : b;
  }

  static max(a: Fraction, b: Fraction): Fraction {
    return a.compare(b) >= 0 ? a : b;
  }

  static sum(values: readonly Fraction[]): Fraction {
    return values.reduce((total, value) => total.plus(value), Fraction.ZERO);
  }

  plus(other: Fraction): Fraction {
    return Fraction.of(
      this.numerator * other.denominator + other.numerator * this.denominator,
      this.denominator * other.denominator,
    );
  }

  minus(other: Fraction): Fraction {
    return this.plus(other.negate());
  }

  times(other: Fraction): Fraction {
    return Fraction.of(this.numerator * other.numerator, this.denominator * other.denominator);
  }

  dividedBy(other: Fraction): Fraction {
    if (other.numerator === 0n) {
      throw new RangeError('Division by zero');
    }
    return Fraction.of(this.numerator * other.denominator, this.denominator * other.numerator);
  }

  negate(): Fraction {
    return new Fraction(-this.numerator, this.denominator);
  }

  abs(): Fraction {
    return this.numerator < 0n ? this.negate() : this;
  }

  compare(other: Fraction): -1 | 0 | 1 {
    // Denominators are positive, so cross-multiplying keeps the order.
    const difference = this.numerator * other.denominator - other.numerator * this.denominator;
    return difference === 0n ? 0 : difference < 0n ? -1 : 1;
  }

  equals(other: Fraction): boolean {
    return this.numerator === other.numerator && this.denominator === other.denominator;
  }

  isZero(): boolean {
    return this.numerator === 0n;
  }

  isNegative(): boolean {
    return this.numerator < 0n;
  }

  isInteger(): boolean {
    return this.denominator === 1n;
  }

  clamp(lowest: Fraction, highest: Fraction): Fraction {
    if (lowest.compare(highest) > 0) {
      throw new RangeError(`Empty clamp range [${lowest.toString()}, ${highest.toString()}]`);
    }
    return Fraction.min(Fraction.max(this, lowest), highest);
  }

  /** The greatest integer not above this value (toward −∞, unlike BigInt division). */
  floor(): bigint {
    const quotient = this.numerator / this.denominator;
    return this.numerator < 0n && quotient * this.denominator !== this.numerator
      ? quotient - 1n
      : quotient;
  }

  /** Nearest double, for display only: never feed it back into a calculation. */
  toNumber(): number {
    const { numerator, denominator } = this;
    if (numerator === 0n) {
      return 0;
    }
    // Both parts exact as doubles: one IEEE division is then correctly rounded.
    if (absolute(numerator) <= MAX_EXACT_DOUBLE && denominator <= MAX_EXACT_DOUBLE) {
      return Number(numerator) / Number(denominator);
    }
    // Otherwise take a 64-bit quotient and scale by a power of two, in two steps so that the
    // intermediate factor neither overflows nor underflows when the result itself would not.
    const shift = bitLength(denominator) - bitLength(absolute(numerator)) + 64;
    const quotient =
      shift >= 0
        ? (numerator << BigInt(shift)) / denominator
        : numerator / (denominator << BigInt(-shift));
    const half = Math.trunc(shift / 2);
    return Number(quotient) * 2 ** -half * 2 ** -(shift - half);
  }

  toString(): string {
    return this.denominator === 1n
      ? this.numerator.toString()
      : `${this.numerator.toString()}/${this.denominator.toString()}`;
  }
}

const MAX_EXACT_DOUBLE = 2n ** 53n;

function parseDecimalText(text: string): Fraction {
  const match = DECIMAL_PATTERN.exec(text);
  const integerDigits = match?.[2] ?? '';
  const fractionDigits = match?.[3] ?? '';
  if (match === null || integerDigits.length + fractionDigits.length === 0) {
    throw new RangeError(`Not a decimal number: "${text}"`);
  }
  const exponent = Number(match[4] ?? '0');
  if (Math.abs(exponent) > MAX_DECIMAL_EXPONENT) {
    throw new RangeError(`Decimal exponent out of range: "${text}"`);
  }
  // "12.345e2" is 12345 × 10^(2 − 3): the digits as one integer, shifted by the exponent.
  const digits = BigInt(`${integerDigits}${fractionDigits}` || '0');
  const scale = exponent - fractionDigits.length;
  const signed = match[1] === '-' ? -digits : digits;
  return scale >= 0
    ? Fraction.of(signed * 10n ** BigInt(scale), 1n)
    : Fraction.of(signed, 10n ** BigInt(-scale));
}

function gcd(a: bigint, b: bigint): bigint {
  let x = absolute(a);
  let y = absolute(b);
  while (y !== 0n) {
    [x, y] = [y, x % y];
  }
  // gcd(0, 0) only arises for 0/0, which `of` has already refused.
  return x === 0n ? 1n : x;
}

function absolute(value: bigint): bigint {
  return value < 0n ? -value : value;
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}
