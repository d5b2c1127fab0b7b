import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsString,
  IsNumber,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateBy,
  MinLength,
} from 'class-validator';
import { CERTIFICATION_SLUG, MAX_LIST_ITEMS, MAX_PENCE, REGIONS } from 'src/common/domain/procurement-vocabulary';
import { CPV_CODE_PATTERN } from 'src/cpv/domain/cpv-code';

// Shared field rules, so that needs, profiles and imports refuse the same things with the same words.

const trim = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

// PostgreSQL text cannot hold NUL, and no legitimate text needs it or the other C0 control
// characters (tab, line feed and carriage return excepted).
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Refuses NUL and other control characters in a text (or in each text of a list). */
export const NoControlCharacters = (each = false) =>
  ValidateBy(
    {
      name: 'noControlCharacters',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !CONTROL_CHARACTERS.test(value),
        defaultMessage: () => '$property must not contain control characters',
      },
    },
    { each },
  );

/** A required text of 1..max characters (after trimming). */
export const Text = (max: number) => applyDecorators(trim, IsString(), MinLength(1), MaxLength(max), NoControlCharacters());

/** A text of 0..max characters. */
export const OptionalText = (max: number) => applyDecorators(trim, IsString(), MaxLength(max), NoControlCharacters());

export const TextList = (maxLength: number) =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(MAX_LIST_ITEMS),
    IsString({ each: true }),
    MinLength(1, { each: true, message: '$property must not contain empty texts' }),
    MaxLength(maxLength, { each: true, message: `$property items must be at most ${maxLength} characters` }),
    NoControlCharacters(true),
  );

export const CpvCodeList = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(MAX_LIST_ITEMS),
    ArrayUnique(),
    IsString({ each: true }),
    Matches(CPV_CODE_PATTERN, { each: true, message: '$property must hold CPV codes such as 72000000-5' }),
  );

export const RegionList = () =>
  applyDecorators(
    IsArray(),
    ArrayUnique(),
    IsIn(REGIONS, { each: true, message: `$property must hold regions from: ${REGIONS.join(', ')}` }),
  );

export const CertificationList = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(MAX_LIST_ITEMS),
    ArrayUnique(),
    IsString({ each: true }),
    MaxLength(100, { each: true }),
    Matches(CERTIFICATION_SLUG, { each: true, message: '$property must hold lower-case kebab-case slugs such as iso-27001' }),
  );

export const UuidList = () =>
  applyDecorators(IsArray(), ArrayMaxSize(MAX_LIST_ITEMS), ArrayUnique(), IsUUID('all', { each: true, message: '$property must hold UUIDs' }));

/** Money: a whole number of pence, never negative, never beyond JSON's exact integers. */
export const Pence = () =>
  applyDecorators(IsInt({ message: '$property must be a whole number of pence' }), Min(0), Max(MAX_PENCE));

/** An ISO 8601 date-time that names a real instant (2026-02-30 is refused). */
export const DateTime = () =>
  applyDecorators(
    IsString(),
    IsISO8601({ strict: true, strictSeparator: true }, { message: '$property must be an ISO 8601 date-time such as 2026-12-31T17:00:00Z' }),
    Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/, { message: '$property must include a time, such as 2026-12-31T17:00:00Z' }),
  );

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True for `YYYY-MM-DD` naming a day that exists (2026-02-30 does not). */
export function isCalendarDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  // Year 0 does not exist in PostgreSQL's calendar.
  if (year < 1 || month < 1 || month > 12) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  return day >= 1 && day <= days;
}

/** A `YYYY-MM-DD` date that exists. */
export const CalendarDate = () =>
  ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: isCalendarDate,
      defaultMessage: () => '$property must be a real calendar date written YYYY-MM-DD, such as 2026-03-31',
    },
  });

// JSON numbers only: a string such as "10" is refused rather than coerced.
export const FiniteNumber = () => IsNumber({ allowNaN: false, allowInfinity: false }, { message: '$property must be a finite number' });

/**
 * An optional field that, when present, must be valid: unlike @IsOptional, an explicit null is
 * validated (and refused) instead of slipping through to a NOT NULL column.
 */
export const Optional = () => ValidateIf((_object, value) => value !== undefined);
