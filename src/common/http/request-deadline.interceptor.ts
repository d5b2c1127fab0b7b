import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Observable, throwError, timeout } from 'rxjs';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { DomainError } from 'src/common/errors/domain-error';

const NO_DEADLINE = 'http:no-deadline';

/** For routes that legitimately run long (streamed imports): no request deadline. */
export const NoRequestDeadline = () => SetMetadata(NO_DEADLINE, true);

/**
 * Answers 503 when a handler has not finished within REQUEST_TIMEOUT_MS. A dependency that accepts
 * connections but answers nothing (a frozen database, a partitioned network) would otherwise hold
 * the client until the kernel gives up, many minutes later. The work itself is not cancelled: like
 * any request cut off mid-flight, its transaction commits or rolls back on its own.
 */
@Injectable()
export class RequestDeadlineInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (this.reflector.getAllAndOverride<boolean>(NO_DEADLINE, [context.getHandler(), context.getClass()])) return next.handle();
    return next.handle().pipe(
      timeout({
        first: this.config.requestTimeoutMs,
        with: () =>
          throwError(() => new DomainError('unavailable', 'SERVICE.TIMEOUT', 'The service could not answer in time; try again shortly.')),
      }),
    );
  }
}
