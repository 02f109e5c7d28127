import { ExecutionContext, SetMetadata, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ANONYMOUS_PRINCIPAL, Principal, RequestWithPrincipal } from './principal';
import type { Role } from './roles';

export const ACCESS_RULE = 'site:access-rule';

export interface AccessRule {
  /** No token needed, ever (login, service info, the plant's /health). */
  public?: boolean;
  role?: Role;
  /** Open while AUTH_PUBLIC_READS=true (what a source document leaves open), else `role` is needed. */
  openByDefault?: boolean;
  /** Also accept the app's static document token (the plant's bearer token). */
  staticToken?: boolean;
}

/** No token needed. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_RULE, { public: true });

const unauthorized = ApiUnauthorizedResponse({ description: 'Missing, expired, revoked or invalid token' });

/** The route needs a site access token with `role` (or a higher one); Swagger shows the lock and the role. */
export const RequireRole = (
  role: Role,
  options: Pick<AccessRule, 'staticToken'> = {},
): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, { role, ...options }),
    ApiBearerAuth(),
    ApiExtension('x-required-role', role),
    unauthorized,
    ApiForbiddenResponse({ description: `Requires role ${role} or higher` }),
  );

/**
 * A read (or the plant's consumption POST) that its source document leaves open: open by default,
 * and needing `role` once AUTH_PUBLIC_READS=false.
 */
export const OpenByDefault = (role: Role = 'viewer'): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ACCESS_RULE, { role, openByDefault: true }),
    ApiBearerAuth(),
    ApiExtension('x-required-role', `${role} (only when AUTH_PUBLIC_READS=false)`),
    unauthorized,
    ApiForbiddenResponse({ description: `With AUTH_PUBLIC_READS=false: requires role ${role} or higher` }),
  );

/** The caller the guard recognised (anonymous on an open route without a token). */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<RequestWithPrincipal>().user ?? ANONYMOUS_PRINCIPAL,
);
