import type { Role } from './roles';

/** Who is calling: a user, a service token, the plant's document token, or everyone when auth is off. */
export interface Principal {
  kind: 'user' | 'service' | 'static-token' | 'auth-disabled' | 'anonymous';
  /** The user id, `service:<id>` for a service token. */
  subject: string;
  username: string;
  roles: string[];
  /** The session (or service token) the access token belongs to; revoked as a whole. */
  sessionId: string | null;
  /** Seconds since epoch when the token expires. */
  expiresAt: number | null;
}

/** The claims of a site access token, as solarhub-api signs them. */
export interface AccessTokenClaims {
  type: 'access';
  sub: string;
  sid: string;
  username: string;
  roles: Role[];
  /** Service tokens: `service`; user tokens leave it out. */
  kind?: 'service';
  /** Service tokens may be limited to some apps. */
  apps?: string[];
  iat?: number;
  exp?: number;
  jti?: string;
}

export const AUTH_DISABLED_PRINCIPAL: Principal = {
  kind: 'auth-disabled',
  subject: 'auth-disabled',
  username: 'auth-disabled',
  roles: ['admin'],
  sessionId: null,
  expiresAt: null,
};

export const ANONYMOUS_PRINCIPAL: Principal = {
  kind: 'anonymous',
  subject: 'anonymous',
  username: 'anonymous',
  roles: [],
  sessionId: null,
  expiresAt: null,
};

/** The request field the guard fills. */
export interface RequestWithPrincipal {
  headers: Record<string, string | string[] | undefined>;
  method: string;
  url: string;
  /** Fastify: the route pattern that matched (`/health/live`), not what the client wrote. */
  routeOptions?: { url?: string };
  user?: Principal;
}
