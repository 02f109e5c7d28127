import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { JWTPayload, SignJWT, jwtVerify } from 'jose';
import type { SolarhubConfig } from '@lib/config';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';

export interface AccessClaims {
  sub: string;
  username: string;
  roles: string[];
  /** The session (refresh-token family) the token belongs to. */
  sid: string;
}
export interface RefreshClaims {
  sub: string;
  sid: string;
  jti: string;
  exp: number;
}

export const unauthorized = (detail = 'Could not validate credentials'): UnauthorizedException =>
  new UnauthorizedException(detail);

/**
 * Signs and verifies the JWTs with jose (HS256 by default). Only the configured algorithm is
 * accepted, so `alg: none` and algorithm swaps fail; so do bad signatures, expiry and the wrong
 * token type.
 */
@Injectable()
export class TokensService {
  private readonly key: Uint8Array;

  constructor(@Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig) {
    this.key = new TextEncoder().encode(config.jwt.secret);
  }

  private sign(claims: JWTPayload, type: 'access' | 'refresh', ttlS: number, jti: string): Promise<string> {
    return new SignJWT({ ...claims, type })
      .setProtectedHeader({ alg: this.config.jwt.algorithm, typ: 'JWT' })
      .setIssuedAt()
      .setIssuer('solarhub-api')
      .setJti(jti)
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlS)
      .sign(this.key);
  }

  async issue(
    claims: AccessClaims,
  ): Promise<{ access: string; refresh: string; refreshJti: string; refreshExp: Date }> {
    const refreshJti = randomUUID();
    const refreshExp = new Date(Date.now() + this.config.jwt.refreshTtlS * 1000);
    const [access, refresh] = await Promise.all([
      this.sign({ ...claims }, 'access', this.config.jwt.accessTtlS, randomUUID()),
      this.sign({ sub: claims.sub, sid: claims.sid }, 'refresh', this.config.jwt.refreshTtlS, refreshJti),
    ]);
    return { access, refresh, refreshJti, refreshExp };
  }

  private async verify(token: string, type: 'access' | 'refresh'): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [this.config.jwt.algorithm],
        issuer: 'solarhub-api',
      });
      if (payload.type !== type || typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
        throw new Error('wrong token type');
      }
      return payload;
    } catch {
      throw unauthorized();
    }
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    const p = await this.verify(token, 'access');
    const roles = Array.isArray(p.roles) ? p.roles.filter((r): r is string => typeof r === 'string') : [];
    return {
      sub: p.sub as string,
      sid: p.sid as string,
      username: typeof p.username === 'string' ? p.username : '',
      roles,
    };
  }

  async verifyRefresh(token: string): Promise<RefreshClaims> {
    const p = await this.verify(token, 'refresh');
    if (typeof p.jti !== 'string' || typeof p.exp !== 'number') throw unauthorized();
    return { sub: p.sub as string, sid: p.sid as string, jti: p.jti, exp: p.exp };
  }
}
