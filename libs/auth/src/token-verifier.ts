import { HttpException, Injectable, UnauthorizedException } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import passport from 'passport';
import { JWT_STRATEGY } from './jwt.strategy';
import type { Principal } from './principal';
import { RevokedSessions } from './revoked-sessions';
import { Role, grants } from './roles';

const MAX_CACHED = 10_000;

type Middleware = (request: unknown, response: unknown, next: (error?: unknown) => void) => void;

/** What passport-jwt's `info` says, in words a caller can act on. */
function reason(info: unknown): string {
  const name = info instanceof Error ? info.name : '';
  if (name === 'TokenExpiredError') return 'Token expired';
  if (info instanceof Error && /No auth token/.test(info.message)) return 'Missing bearer token';
  return 'Invalid token';
}

/**
 * Verifies a bearer token through the passport-jwt strategy, for HTTP requests (the guard) and
 * WebSocket upgrades alike. A verified token is remembered until it expires, so a client sending
 * the same token again costs one lookup; a revoked session is still refused at once.
 */
@Injectable()
export class TokenVerifier {
  private readonly verified = new Map<string, Principal>();

  constructor(private readonly revoked: RevokedSessions) {}

  /** The principal of a token verified before and still good (no I/O, no promise). */
  cached(authorization: string): Principal | null {
    const principal = this.verified.get(authorization);
    if (!principal) return null;
    const fresh = principal.expiresAt === null || principal.expiresAt * 1000 > Date.now();
    if (fresh && (principal.sessionId === null || !this.revoked.isRevoked(principal.sessionId))) return principal;
    this.verified.delete(authorization);
    return null;
  }

  /** The principal behind an Authorization header; throws 401 (or 403 for a token meant for another app). */
  async verify(authorization: string | undefined): Promise<Principal> {
    if (!authorization) throw new UnauthorizedException('Missing bearer token');
    const hit = this.cached(authorization);
    if (hit) return hit;
    const principal = await new Promise<Principal>((resolve, reject) => {
      const request = { headers: { authorization } };
      const authenticate = passport.authenticate(
        JWT_STRATEGY,
        { session: false },
        (error: unknown, user: Principal | false, info: unknown) => {
          if (error instanceof HttpException) reject(error);
          else if (error || !user) reject(new UnauthorizedException(reason(info ?? error)));
          else resolve(user);
        },
      ) as Middleware;
      authenticate(request, {}, (error) =>
        reject(error instanceof HttpException ? error : new UnauthorizedException()),
      );
    });
    if (this.verified.size >= MAX_CACHED) this.verified.clear();
    this.verified.set(authorization, principal);
    return principal;
  }
}

/**
 * Whether a WebSocket upgrade carries a token granting `role`: in the Authorization header or, since
 * browsers cannot set headers on a WebSocket, as `?access_token=`. Always true with AUTH_DISABLED.
 */
export async function upgradeAllowed(
  settings: { auth: { disabled: boolean } },
  verifier: TokenVerifier,
  request: IncomingMessage,
  role: Role,
): Promise<boolean> {
  if (settings.auth.disabled) return true;
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('access_token');
  const header = request.headers.authorization ?? (query ? `Bearer ${query}` : undefined);
  try {
    return grants((await verifier.verify(header)).roles, role);
  } catch {
    return false;
  }
}
