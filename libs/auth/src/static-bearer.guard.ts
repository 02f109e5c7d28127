import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { constantTimeEqual } from './constant-time';

/** Provides the one token a StaticBearerGuard accepts. */
export abstract class StaticTokenSource {
  abstract readonly token: string;
}

interface RequestWithHeaders {
  headers: Record<string, string | string[] | undefined>;
}

/** The bearer token of an Authorization header, or null when there is none. */
export function bearerToken(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

/** Accepts a request whose Authorization header carries the configured static token. */
@Injectable()
export class StaticBearerGuard implements CanActivate {
  constructor(private readonly source: StaticTokenSource) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithHeaders>();
    const token = bearerToken(request.headers.authorization);
    if (token === null) throw new UnauthorizedException('Missing bearer token');
    if (!constantTimeEqual(token, this.source.token)) throw new UnauthorizedException('Invalid token');
    return true;
  }
}
