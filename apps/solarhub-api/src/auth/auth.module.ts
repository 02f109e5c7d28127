import { DynamicModule, Module } from '@nestjs/common';
import { AuthController, JwksController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginThrottle } from './login-throttle';
import { ServiceTokensService } from './service-tokens.service';
import { SessionRevocations } from './session-revocations';
import { SigningKeys } from './signing-keys';
import { TokensService } from './tokens.service';

/**
 * `/api/v1/auth/…` and `/.well-known/jwks.json`: solarhub-api as the site's identity provider
 * (logins, sessions, users, service tokens). The keys are built before the modules, since the
 * guard of libs/auth needs them too.
 */
@Module({})
export class SolarhubAuthModule {
  static forRoot(keys: SigningKeys): DynamicModule {
    return {
      module: SolarhubAuthModule,
      controllers: [AuthController, JwksController],
      providers: [
        { provide: SigningKeys, useValue: keys },
        TokensService,
        LoginThrottle,
        SessionRevocations,
        AuthService,
        ServiceTokensService,
      ],
    };
  }
}
