import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { JWTPayload, SignJWT, jwtVerify } from 'jose';
import type { AccessTokenClaims, Role } from '@lib/auth';
import type { SolarhubConfig } from '../solarhub-api.config';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';
import { SigningKeys } from './signing-keys';

export interface RefreshClaims {
  sub: string;
  sid: string;
  jti: string;
  exp: number;
}

export const unauthorized = (detail = 'Could not validate credentials'): UnauthorizedException =>
  new UnauthorizedException(detail);

/**
 * Signs the site's tokens (jose) with the configured algorithm and key: access tokens every app
 * checks, refresh tokens only solarhub-api takes back, and long-lived service tokens. Refresh
 * tokens are verified here with the same algorithm allow-list (no `alg: none`, no swaps).
 */
@Injectable()
export class TokensService {
  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    private readonly keys: SigningKeys,
  ) {}

  private sign(claims: JWTPayload, expiresAtS: number, jti: string): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: this.keys.algorithm, typ: 'JWT', ...(this.keys.kid ? { kid: this.keys.kid } : {}) })
      .setIssuedAt()
      .setIssuer(this.config.auth.issuer)
      .setJti(jti)
      .setExpirationTime(expiresAtS)
      .sign(this.keys.signingKey);
  }

  async issue(claims: {
    sub: string;
    username: string;
    roles: Role[];
    sid: string;
  }): Promise<{ access: string; refresh: string; refreshJti: string; refreshExp: Date }> {
    const nowS = Math.floor(Date.now() / 1000);
    const refreshJti = randomUUID();
    const refreshExp = new Date((nowS + this.config.jwt.refreshTtlS) * 1000);
    const access: AccessTokenClaims = { type: 'access', ...claims };
    const [accessToken, refresh] = await Promise.all([
      this.sign({ ...access }, nowS + this.config.auth.accessTtlS, randomUUID()),
      this.sign({ type: 'refresh', sub: claims.sub, sid: claims.sid }, refreshExp.getTime() / 1000, refreshJti),
    ]);
    return { access: accessToken, refresh, refreshJti, refreshExp };
  }

  /** A service token: an access token of its own session (the token id), valid until `expiresAt`. */
  issueService(token: {
    id: string;
    name: string;
    role: Role;
    apps: string[] | null;
    expiresAt: Date;
  }): Promise<string> {
    const claims: AccessTokenClaims = {
      type: 'access',
      kind: 'service',
      sub: `service:${token.id}`,
      sid: token.id,
      username: token.name,
      roles: [token.role],
      ...(token.apps ? { apps: token.apps } : {}),
    };
    return this.sign({ ...claims }, Math.floor(token.expiresAt.getTime() / 1000), randomUUID());
  }

  async verifyRefresh(token: string): Promise<RefreshClaims> {
    try {
      const { payload } = await jwtVerify(token, (header) => this.keys.verificationKey(header.kid), {
        algorithms: [this.keys.algorithm],
        issuer: this.config.auth.issuer,
      });
      const { type, sub, sid, jti, exp } = payload;
      if (type !== 'refresh' || typeof sub !== 'string' || typeof sid !== 'string') throw new Error('wrong type');
      if (typeof jti !== 'string' || typeof exp !== 'number') throw new Error('incomplete');
      return { sub, sid, jti, exp };
    } catch {
      throw unauthorized();
    }
  }
}
