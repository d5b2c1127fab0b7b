import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { DomainError, DomainErrorKind } from 'src/common/errors/domain-error';
import { problem, PROBLEM_CONTENT_TYPE, ProblemDetails } from 'src/common/http/problem-details';

const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  precondition_required: 428,
  rate_limited: 429,
  unavailable: 503,
};

// Errors raised by Fastify itself before a route runs (body parsing, limits, content types).
const FASTIFY_ERRORS: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'REQUEST.BODY_TOO_LARGE', detail: 'The request body is larger than the limit.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    detail: 'The request body must be application/json.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'REQUEST.EMPTY_BODY', detail: 'The JSON body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'REQUEST.MALFORMED_JSON', detail: 'The body is not valid JSON.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'REQUEST.INVALID_CONTENT_LENGTH',
    detail: 'The Content-Length header does not match the body.',
  },
};

// PostgreSQL and driver failures that mean "the database is not reachable now", not "a bug".
const UNAVAILABLE_PG_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004']);

/** Maps every error to an `application/problem+json` answer; nothing else ever reaches a client. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    if (isHealthCheckFailure(exception)) {
      // Readiness answers 503 with the health report itself, so operators see which check failed.
      void reply.status(503).send(exception.getResponse());
      return;
    }
    const body = this.toProblem(exception, request);
    body.requestId = String(request.id);
    void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
  }

  toProblem(exception: unknown, request: FastifyRequest): ProblemDetails {
    if (exception instanceof DomainError) {
      return problem(STATUS_OF_KIND[exception.kind], exception.code, exception.message, exception.errors);
    }
    if (exception instanceof ThrottlerException) {
      return problem(429, 'REQUEST.RATE_LIMITED', 'Too many requests: slow down and try again shortly.');
    }
    if (exception instanceof HttpException) {
      return this.fromHttpException(exception);
    }
    const fastifyCode = (exception as { code?: unknown })?.code;
    if (typeof fastifyCode === 'string' && fastifyCode in FASTIFY_ERRORS) {
      const known = FASTIFY_ERRORS[fastifyCode];
      return problem(known.status, known.code, known.detail, [{ field: 'body', message: known.detail }]);
    }
    if (isInvalidDataForDatabase(exception)) {
      // Input that slipped past validation but that PostgreSQL refuses (a NUL byte, a number out of
      // range): the request was wrong and its transaction rolled back, so it is a 400, not a fault.
      this.logger.warn({ err: exception, reqId: request.id }, 'database refused request data');
      return problem(400, 'REQUEST.INVALID_DATA', 'The request holds a value the service cannot store.', [
        { field: 'body', message: 'contains a value that cannot be stored' },
      ]);
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn({ err: exception, reqId: request.id }, 'database unavailable');
      return problem(503, 'SERVICE.DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly.');
    }
    this.logger.error({ err: exception, reqId: request.id }, 'unhandled error');
    return problem(500, 'SERVICE.INTERNAL_ERROR', 'Something went wrong on our side. Quote the requestId when you report it.');
  }

  private fromHttpException(exception: HttpException): ProblemDetails {
    const status = exception.getStatus();
    if (status === 404) return problem(404, 'ROUTE.NOT_FOUND', 'No such route.');
    if (status === 405) return problem(405, 'ROUTE.METHOD_NOT_ALLOWED', 'This method is not allowed here.');
    if (status === 413) {
      return problem(413, 'REQUEST.BODY_TOO_LARGE', 'The request body is larger than the limit.', [
        { field: 'body', message: 'too large' },
      ]);
    }
    if (status === 401) return problem(401, 'AUTH.UNAUTHENTICATED', 'Sign in first: send a valid bearer token.');
    if (status === 403) return problem(403, 'AUTH.FORBIDDEN', 'Your role may not do this.');
    if (status === 400) {
      // Fastify's JSON parser reports malformed bodies through Nest as a plain 400.
      return problem(400, 'REQUEST.MALFORMED', 'The request body could not be read.', [
        { field: 'body', message: exception.message },
      ]);
    }
    const detail = typeof exception.message === 'string' ? exception.message : 'The request could not be handled.';
    return problem(status, `HTTP.${status}`, status >= 500 ? 'The request could not be handled.' : detail);
  }
}

function isHealthCheckFailure(exception: unknown): exception is HttpException {
  if (!(exception instanceof HttpException) || exception.getStatus() !== 503) return false;
  const response = exception.getResponse() as { status?: unknown; details?: unknown };
  return response?.status === 'error' && typeof response.details === 'object';
}

// Class 22 (data exception): invalid text encoding, numeric out of range, invalid datetime, …
function isInvalidDataForDatabase(exception: unknown): boolean {
  const code = (exception as { driverError?: { code?: string } })?.driverError?.code;
  return exception instanceof QueryFailedError && typeof code === 'string' && code.startsWith('22');
}

function isDatabaseUnavailable(exception: unknown): boolean {
  const error = exception as { code?: string; message?: string; driverError?: { code?: string } };
  const code = error?.driverError?.code ?? error?.code;
  if (code && (UNAVAILABLE_PG_CODES.has(code) || code === 'ECONNREFUSED' || code === 'ECONNRESET')) return true;
  if (exception instanceof QueryFailedError && UNAVAILABLE_PG_CODES.has(String(error.driverError?.code))) return true;
  const message = error?.message ?? '';
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message);
}
