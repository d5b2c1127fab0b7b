import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidatorOptions } from 'class-validator';
import type { FieldError } from 'src/common/errors/domain-error';
import { flattenValidationErrors } from 'src/common/http/validation.pipe';

// The options of the API's global validation pipe (src/common/http/validation.pipe.ts), so that a
// row is judged exactly as the same object sent to the API would be.
const ROW_VALIDATION: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
  stopAtFirstError: false,
};

export type RowValidation<T> = { value: T; errors?: undefined } | { errors: FieldError[]; value?: undefined };

/** Validates one parsed row against a request DTO; errors name fields as the API does (`profile.caseStudies[0].title`). */
export function validateRow<T extends object>(type: ClassConstructor<T>, plain: unknown): RowValidation<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { errors: [{ field: 'row', message: 'a row must be a JSON object' }] };
  }
  const instance = plainToInstance(type, plain, { enableImplicitConversion: false });
  const errors = validateSync(instance, ROW_VALIDATION);
  return errors.length > 0 ? { errors: flattenValidationErrors(errors) } : { value: instance };
}

const FORBIDDEN_KEY = /"(?:__proto__|constructor)"\s*:/;

/**
 * JSON.parse for one row, refusing `__proto__` and `constructor` keys as the API's JSON parser does.
 * The check is a text search first, so ordinary rows pay nothing for it.
 */
export function parseJsonRow(text: string): { value: unknown; error?: undefined } | { error: FieldError; value?: undefined } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: { field: 'row', message: `not valid JSON: ${(error as Error).message}` } };
  }
  if (FORBIDDEN_KEY.test(text)) {
    let forbidden: string | null = null;
    JSON.parse(text, (key, v: unknown) => {
      if (key === '__proto__' || key === 'constructor') forbidden = key;
      return v;
    });
    if (forbidden !== null) return { error: { field: forbidden, message: `${forbidden} is not an allowed field` } };
  }
  return { value };
}
