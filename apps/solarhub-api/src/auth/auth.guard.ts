import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  applyDecorators,
  UseGuards,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { bearerToken } from '@lib/auth';
import type { UserEntity } from '../storage/entities';
import { AuthService } from './auth.service';
import { AccessClaims, TokensService, unauthorized } from './tokens.service';

const ROLES_KEY = 'solarhub:roles';

interface AuthedRequest {
  headers: Record<string, string | string[] | undefined>;
  user?: UserEntity;
  claims?: AccessClaims;
}

/** Valid access token of an open session, from an active user with the route's roles. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokensService,
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (token === null) throw unauthorized('Not authenticated');
    const claims = await this.tokens.verifyAccess(token);
    const user = await this.auth.authenticate(claims);
    const required = this.reflector.getAllAndOverride<string[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required && !required.some((role) => claims.roles.includes(role))) {
      throw new ForbiddenException(`Requires role: ${required.join(' or ')}`);
    }
    request.user = user;
    request.claims = claims;
    return true;
  }
}

/** The route needs a logged-in user, with one of `roles` when given. */
export const Authenticated = (...roles: string[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles.length > 0 ? roles : undefined),
    UseGuards(JwtAuthGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired token' }),
    ...(roles.length > 0 ? [ApiForbiddenResponse({ description: `Requires role: ${roles.join(' or ')}` })] : []),
  );

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const request = context.switchToHttp().getRequest<AuthedRequest>();
  return { user: request.user as UserEntity, claims: request.claims as AccessClaims };
});
