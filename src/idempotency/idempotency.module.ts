import { Global, Module } from '@nestjs/common';
import { IdempotencyInterceptor } from 'src/idempotency/idempotency.interceptor';
import { IdempotencyRepository } from 'src/idempotency/idempotency.repository';

/** Global: every feature's POST routes use the interceptor (see AcceptsIdempotencyKey). */
@Global()
@Module({
  providers: [IdempotencyRepository, IdempotencyInterceptor],
  exports: [IdempotencyRepository, IdempotencyInterceptor],
})
export class IdempotencyModule {}
