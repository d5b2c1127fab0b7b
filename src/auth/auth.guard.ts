import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { PUBLIC_KEY, ROLES_KEY } from 'src/auth/auth.decorators';
import { Principal, Role, ROLES } from 'src/auth/roles';
import { DomainError } from 'src/common/errors/domain-error';
import { VerifiedTokens } from 'src/auth/domain/verified-tokens';

interface AccessTokenClaims {
  sub: string;
  role: Role;
  org: string | null;
  typ: 'access';
  exp?: number;
}

/**
 * The access rules' first two steps, for every route: no token or a bad one where sign-in is needed
 * → 401; a role that may never call the route → 403. Ownership (404 for another organisation's
 * object) is the services' job, since only they load the object.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly verified = new VerifiedTokens<Principal>(10_000);

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false;
    const roles = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);

    const header = request.headers.authorization;
    if (header !== undefined) {
      request.principal = await this.verify(header);
    }
    if (!request.principal) {
      if (isPublic) return true;
      throw new DomainError('unauthenticated', 'AUTH.UNAUTHENTICATED', 'Sign in first: send a valid bearer token.');
    }
    if (roles && !roles.includes(request.principal.role)) {
      throw new DomainError('forbidden', 'AUTH.ROLE_NOT_ALLOWED', `The ${request.principal.role} role may not do this.`);
    }
    return true;
  }

  private async verify(header: string): Promise<Principal> {
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header.trim());
    const invalid = () => new DomainError('unauthenticated', 'AUTH.INVALID_TOKEN', 'The bearer token is invalid or expired.');
    if (!match) throw invalid();
    const known = this.verified.get(match[1], Date.now());
    if (known) return known;
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims>(match[1], { algorithms: ['HS256'] });
      if (claims.typ !== 'access' || typeof claims.sub !== 'string' || !ROLES.includes(claims.role)) throw invalid();
      const principal: Principal = Object.freeze({ userId: claims.sub, role: claims.role, organisationId: claims.org ?? null });
      if (typeof claims.exp === 'number') this.verified.set(match[1], principal, claims.exp * 1000);
      return principal;
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw invalid();
    }
  }
}

export function accessTokenClaims(principal: Principal): AccessTokenClaims {
  return { sub: principal.userId, role: principal.role, org: principal.organisationId, typ: 'access' };
}
