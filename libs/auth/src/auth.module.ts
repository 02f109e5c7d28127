import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import type { AuthConfig } from '@lib/config';
import { ReadinessRegistry } from '@lib/observability';
import { AccessGuard } from './access.guard';
import { AuthSettings, SiteJwtStrategy } from './jwt.strategy';
import { StaticTokenSource } from './static-bearer.guard';
import { RevocationBus, RevokedSessions } from './revoked-sessions';
import { TokenVerifier } from './token-verifier';

export interface AuthModuleOptions {
  appName: string;
  config: { auth: AuthConfig };
  /** A document's static bearer token, accepted on the routes marked `staticToken` (the plant's). */
  staticToken?: string;
  /** The token issuer only: its own verification keys by key id (ES256). */
  localKeys?: (kid: string | undefined) => string;
}

const SETTINGS = Symbol('auth-settings-holder');

/**
 * Site access control for one app: the passport-jwt strategy, the global AccessGuard, the set of
 * revoked sessions and the bus that brings them. `/health/ready` reports the mode (and says so
 * when AUTH_DISABLED is on).
 */
@Global()
@Module({})
export class AuthModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(SETTINGS) private readonly settings: AuthSettings,
    private readonly bus: RevocationBus,
    private readonly sessions: RevokedSessions,
    private readonly readiness: ReadinessRegistry,
  ) {}

  static forApp({ appName, config, staticToken, localKeys }: AuthModuleOptions): DynamicModule {
    const settings: AuthSettings = { appName, auth: config.auth, localKeys };
    return {
      module: AuthModule,
      imports: [PassportModule],
      providers: [
        { provide: AuthSettings, useValue: settings },
        { provide: SETTINGS, useValue: settings },
        { provide: RevokedSessions, useValue: new RevokedSessions() },
        {
          provide: RevocationBus,
          useFactory: (sessions: RevokedSessions) => new RevocationBus(config.auth.bus, appName, sessions),
          inject: [RevokedSessions],
        },
        ...(staticToken ? [{ provide: StaticTokenSource, useValue: { token: staticToken } }] : []),
        SiteJwtStrategy,
        TokenVerifier,
        AccessGuard,
        { provide: APP_GUARD, useExisting: AccessGuard },
      ],
      exports: [AuthSettings, RevokedSessions, RevocationBus, TokenVerifier, AccessGuard],
    };
  }

  onModuleInit(): void {
    this.bus.subscribe();
    const auth = this.settings.auth;
    this.readiness.register('auth', () => ({
      // Informational: auth never makes an app unready, but an operator must see when it is off.
      up: true,
      info: {
        mode: auth.disabled ? 'DISABLED (AUTH_DISABLED=true): every request is let in' : auth.algorithm,
        public_reads: auth.publicReads,
        revocations: this.bus.kind,
        revocations_connected: this.bus.connected,
        revoked_sessions: this.sessions.size,
      },
    }));
  }

  onApplicationShutdown(): Promise<void> {
    return this.bus.close();
  }
}
