import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ACCESS_RULE, AccessRule } from './access.decorators';
import { matchesDigest, secretDigest } from './constant-time';
import { AuthSettings } from './jwt.strategy';
import { AUTH_DISABLED_PRINCIPAL, ANONYMOUS_PRINCIPAL, Principal, RequestWithPrincipal } from './principal';
import { grants } from './roles';
import { StaticTokenSource, bearerToken } from './static-bearer.guard';
import { TokenVerifier } from './token-verifier';

/** Routes every app leaves open: service info, probes and metrics (Swagger's /docs is not a Nest route). */
const ALWAYS_OPEN = /^\/(\?|$|health(\/|$|\?)|metrics(\/|$|\?))/;
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Spellings of the document token's header remembered (`Bearer x`, `bearer  x`, …): a handful. */
const MAX_STATIC_HEADERS = 16;
const STATIC_TOKEN_PRINCIPAL: Principal = Object.freeze({
  ...ANONYMOUS_PRINCIPAL,
  kind: 'static-token',
  subject: 'static-token',
  roles: ['viewer'],
});

/**
 * The one guard of every app (APP_GUARD): a valid site access token with the route's role. A route
 * without a rule needs a viewer to read and an admin to change anything, so a forgotten decorator
 * fails closed.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly staticDigest: Buffer | null;
  /** Authorization headers that carried the document token. */
  private readonly staticHeaders = new Set<string>();

  constructor(
    private readonly reflector: Reflector,
    private readonly settings: AuthSettings,
    private readonly verifier: TokenVerifier,
    @Optional() staticToken?: StaticTokenSource,
  ) {
    this.staticDigest = staticToken ? secretDigest(staticToken.token) : null;
  }

  private rule(context: ExecutionContext, method: string): AccessRule {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    return rule ?? { role: READS.has(method) ? 'viewer' : 'admin' };
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    // Bus handlers (@EventPattern) are not HTTP: the broker's ACL guards them.
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<RequestWithPrincipal>();
    // The matched route, not the raw URL: a client cannot spell its way into an open prefix.
    if (ALWAYS_OPEN.test(request.routeOptions?.url ?? request.url)) return true;
    const rule = this.rule(context, request.method);
    const auth = this.settings.auth;
    if (rule.public) return true;
    if (auth.disabled) {
      request.user = AUTH_DISABLED_PRINCIPAL;
      return true;
    }
    if (rule.openByDefault && auth.publicReads) {
      request.user = ANONYMOUS_PRINCIPAL;
      return true;
    }
    const header = request.headers.authorization;
    const authorization = typeof header === 'string' ? header : undefined;
    // A token verified before first: a Map lookup, where the document-token check hashes the header.
    const known = (authorization && this.verifier.cached(authorization)) || this.staticPrincipal(rule, authorization);
    // The hot path (a token seen before) stays synchronous: no promise per request.
    if (known) return this.admit(request, rule, known);
    return this.verifier.verify(authorization).then((principal) => this.admit(request, rule, principal));
  }

  private admit(request: RequestWithPrincipal, rule: AccessRule, principal: Principal): true {
    const required = rule.role ?? 'admin';
    if (!grants(principal.roles, required)) {
      throw new ForbiddenException(`Requires role ${required}; this token has ${principal.roles.join(', ') || 'none'}`);
    }
    request.user = principal;
    return true;
  }

  /** The plant's document token, on the routes that take it. */
  private staticPrincipal(rule: AccessRule, authorization: string | undefined): Principal | null {
    if (!rule.staticToken || !this.staticDigest || !authorization) return null;
    // A header that matched before is found by a hash lookup, like a verified JWT: no digest per request.
    if (this.staticHeaders.has(authorization)) return STATIC_TOKEN_PRINCIPAL;
    const token = bearerToken(authorization);
    if (token === null || !matchesDigest(token, this.staticDigest)) return null;
    if (this.staticHeaders.size >= MAX_STATIC_HEADERS) this.staticHeaders.clear();
    this.staticHeaders.add(authorization);
    return STATIC_TOKEN_PRINCIPAL;
  }
}
