/** A field that a request got wrong, named as the client wrote it (`caseStudies[0].title`). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * What went wrong, as the HTTP layer needs to know it. One filter maps each kind to a status, so
 * services never speak HTTP.
 */
export type DomainErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'precondition_required'
  | 'unprocessable'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable';

/** An expected failure with a stable code (`NEED.NOT_FOUND`) that clients may rely on. */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DomainError';
  }
}

export class ValidationFailedError extends DomainError {
  constructor(errors: FieldError[], message = 'The request is not valid.') {
    super('validation', 'REQUEST.VALIDATION_FAILED', message, errors);
  }
}

export class NotFoundError extends DomainError {
  constructor(code: string, message: string) {
    super('not_found', code, message);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, errors: FieldError[] = []) {
    super('conflict', code, message, errors);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code: string, message: string) {
    super('forbidden', code, message);
  }
}
