import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { DEV_JWT_SECRET, JWT_ISSUER } from '@lib/config';
import type { Role } from '@lib/auth';

export interface TestTokenOptions {
  role?: Role;
  kind?: 'user' | 'service';
  sessionId?: string;
  /** Seconds from now; negative for an expired token. */
  ttlS?: number;
  apps?: string[];
  secret?: string;
  type?: string;
}

/**
 * An access token as solarhub-api signs it with the development key the apps share when
 * JWT_SECRET_KEY is unset (the tests' apps run that way), for tests of apps other than
 * solarhub-api. The solarhub-api tests log in for real.
 */
export async function testToken(options: TestTokenOptions = {}): Promise<string> {
  const nowS = Math.floor(Date.now() / 1000);
  const role = options.role ?? 'admin';
  return new SignJWT({
    type: options.type ?? 'access',
    sub: options.kind === 'service' ? `service:${randomUUID()}` : '1',
    sid: options.sessionId ?? randomUUID(),
    username: `test-${role}`,
    roles: [role],
    ...(options.kind === 'service' ? { kind: 'service' } : {}),
    ...(options.apps ? { apps: options.apps } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(JWT_ISSUER)
    .setIssuedAt(nowS)
    .setExpirationTime(nowS + (options.ttlS ?? 600))
    .sign(new TextEncoder().encode(options.secret ?? DEV_JWT_SECRET));
}

let adminHeader: Promise<string> | null = null;

/** `Bearer <admin token>`, made once per test file. */
export function adminAuthorization(): Promise<string> {
  adminHeader ??= testToken({ role: 'admin', ttlS: 3600 }).then((t) => `Bearer ${t}`);
  return adminHeader;
}
