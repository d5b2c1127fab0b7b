import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Principal } from 'src/auth/roles';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Limits writes per signed-in user (per address when anonymous); reads are never limited. */
@Injectable()
export class WriteThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ method: string }>();
    return READ_METHODS.has(request.method) || super.shouldSkip(context);
  }

  protected override async getTracker(request: { principal?: Principal; ip: string }): Promise<string> {
    return request.principal ? `user:${request.principal.userId}` : `ip:${request.ip}`;
  }
}
