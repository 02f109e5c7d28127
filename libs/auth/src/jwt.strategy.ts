import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { decodeProtectedHeader } from 'jose';
import { passportJwtSecret } from 'jwks-rsa';
import { ExtractJwt, Strategy, StrategyOptionsWithoutRequest } from 'passport-jwt';
import type { AuthConfig } from '@lib/config';
import type { Principal } from './principal';
import { RevokedSessions } from './revoked-sessions';
import { isRole } from './roles';

export const JWT_STRATEGY = 'site-jwt';

/** Where an app's guard finds its settings and name. */
export abstract class AuthSettings {
  abstract readonly appName: string;
  abstract readonly auth: AuthConfig;
  /** The issuer itself (solarhub-api) checks ES256 tokens with its own keys instead of its JWKS URL. */
  abstract readonly localKeys?: (kid: string | undefined) => string;
}

function strategyOptions(settings: AuthSettings): StrategyOptionsWithoutRequest {
  const { auth, localKeys } = settings;
  const common = {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    algorithms: [auth.algorithm],
    issuer: auth.issuer,
    ignoreExpiration: false,
  };
  if (auth.secret !== null) return { ...common, secretOrKey: auth.secret };
  if (localKeys) {
    return {
      ...common,
      secretOrKeyProvider: (_request: unknown, rawJwtToken: string, done: (error: unknown, key?: string) => void) => {
        try {
          done(null, localKeys(decodeProtectedHeader(rawJwtToken).kid));
        } catch (error) {
          done(error);
        }
      },
    };
  }
  return {
    ...common,
    // jwks-rsa caches the keys; a token signed by a key it has not seen (a rotation) fetches them again.
    secretOrKeyProvider: passportJwtSecret({
      jwksUri: auth.jwksUrl ?? '',
      cache: true,
      cacheMaxAge: auth.jwksCacheS * 1000,
      rateLimit: true,
      jwksRequestsPerMinute: 30,
      timeout: 5000,
    }),
  };
}

const stringClaim = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

/**
 * passport-jwt with the site's settings: only the configured algorithm (so `alg: none` and
 * HS/ES swaps fail), solarhub-api as issuer, expiry checked, access tokens only, and the session
 * not revoked. A service token limited to some apps is refused by the others.
 */
@Injectable()
export class SiteJwtStrategy extends PassportStrategy(Strategy, JWT_STRATEGY) {
  constructor(
    private readonly settings: AuthSettings,
    private readonly revoked: RevokedSessions,
  ) {
    super(strategyOptions(settings));
  }

  validate(payload: Record<string, unknown>): Principal {
    const subject = stringClaim(payload.sub);
    const sessionId = stringClaim(payload.sid);
    if (payload.type !== 'access' || subject === null || sessionId === null) {
      throw new UnauthorizedException('Not an access token');
    }
    if (this.revoked.isRevoked(sessionId)) throw new UnauthorizedException('Session has ended');
    const apps = payload.apps;
    if (Array.isArray(apps) && !apps.includes(this.settings.appName)) {
      throw new ForbiddenException(`This token is not valid for ${this.settings.appName}`);
    }
    const roles = Array.isArray(payload.roles) ? payload.roles.filter(isRole) : [];
    return {
      kind: payload.kind === 'service' ? 'service' : 'user',
      subject,
      username: stringClaim(payload.username) ?? subject,
      roles,
      sessionId,
      expiresAt: typeof payload.exp === 'number' ? payload.exp : null,
    };
  }
}
