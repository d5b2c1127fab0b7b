/** A CPV code as written: eight digits, a hyphen and a check digit. */
export const CPV_CODE_PATTERN = /^\d{8}-\d$/;

export type CpvLevel = 'division' | 'group' | 'class' | 'category';

export function isCpvCode(value: string): boolean {
  return CPV_CODE_PATTERN.test(value);
}

/**
 * The digits that place a code in the hierarchy: the eight digits without trailing zeros, but never
 * fewer than the two of a division (`72000000-5` → `72`, `72212000-4` → `72212`).
 */
export function significantDigits(code: string): string {
  const digits = code.slice(0, 8);
  const trimmed = digits.replace(/0+$/, '');
  return trimmed.length >= 2 ? trimmed : digits.slice(0, 2);
}

/** Division (2 significant digits), group (3), class (4) or category (5 and more). */
export function cpvLevelOf(code: string): CpvLevel {
  const length = significantDigits(code).length;
  if (length <= 2) return 'division';
  if (length === 3) return 'group';
  if (length === 4) return 'class';
  return 'category';
}
