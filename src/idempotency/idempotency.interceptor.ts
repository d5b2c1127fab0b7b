import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import type { Principal } from 'src/auth/roles';
import { DomainError, ValidationFailedError } from 'src/common/errors/domain-error';
import { IdempotencyRepository } from 'src/idempotency/idempotency.repository';

const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;

// Answers that show a secret once (a webhook's signing secret) are stored without it: a replay says
// it was shown, it does not show it again, and the idempotency table never holds it.
const SECRET_FIELDS = ['secret', 'accessToken'];

function withoutSecrets(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of SECRET_FIELDS) if (field in copy) copy[field] = '[shown once, not replayed]';
  return copy;
}

/**
 * `Idempotency-Key` on POST: the first request with a key runs and its answer is stored; a retry
 * with the same key and the same body gets the stored answer (marked `idempotent-replayed: true`)
 * without running again; the same key with another body answers 422; a retry while the first is
 * still running answers 409. Failed requests store nothing, so they can be retried.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly keys: IdempotencyRepository,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: Principal }>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined) return next.handle();
    return from(this.handle(context, request, http.getResponse<FastifyReply>(), String(header), next));
  }

  private async handle(context: ExecutionContext, request: FastifyRequest & { principal?: Principal }, reply: FastifyReply, key: string, next: CallHandler): Promise<unknown> {
    if (!KEY_PATTERN.test(key)) {
      throw new ValidationFailedError([{ field: 'Idempotency-Key', message: 'must be 1–200 letters, digits or . _ : -' }]);
    }
    const scope = request.principal ? `user:${request.principal.userId}` : `address:${request.ip}`;
    const hash = createHash('sha256').update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`).digest('hex');
    const claimed = await this.keys.claim(scope, key, hash);
    if (!claimed) {
      const stored = await this.keys.find(scope, key);
      if (!stored || stored.requestHash !== hash) {
        throw new DomainError('unprocessable', 'IDEMPOTENCY.KEY_REUSED', 'This Idempotency-Key was used with a different request.', [
          { field: 'Idempotency-Key', message: 'already used with another body' },
        ]);
      }
      if (stored.status === null) {
        throw new DomainError('conflict', 'IDEMPOTENCY.IN_PROGRESS', 'A request with this Idempotency-Key is still being handled.');
      }
      void reply.status(stored.status).header('idempotent-replayed', 'true');
      return stored.body;
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const status = this.reflector.get<number>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;
      await this.keys.complete(scope, key, status, withoutSecrets(body));
      return body;
    } catch (error) {
      await this.keys.release(scope, key);
      throw error;
    }
  }
}

/**
 * On every POST route (a test checks none is missed): the route takes an Idempotency-Key. Per route
 * rather than global because each Nest interceptor costs every request it wraps, reads included.
 */
export const AcceptsIdempotencyKey = () => UseInterceptors(IdempotencyInterceptor);
