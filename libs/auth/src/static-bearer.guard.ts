import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { matchesDigest, secretDigest } from './constant-time';

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
  private readonly expected: Buffer;

  constructor(source: StaticTokenSource) {
    this.expected = secretDigest(source.token);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithHeaders>();
    const token = bearerToken(request.headers.authorization);
    if (token === null) throw new UnauthorizedException('Missing bearer token');
    if (!matchesDigest(token, this.expected)) throw new UnauthorizedException('Invalid token');
    return true;
  }
}
