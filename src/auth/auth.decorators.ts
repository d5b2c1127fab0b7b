import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal, Role } from 'src/auth/roles';

export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** Anyone may call this route; a token, when sent, must still be valid. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only these roles may call this route (others get 403; no token gets 401). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The signed-in principal, or null on a public route called anonymously. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal | null => {
  const request = context.switchToHttp().getRequest<{ principal?: Principal }>();
  return request.principal ?? null;
});
