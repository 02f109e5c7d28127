import { DynamicModule, Module } from '@nestjs/common';
import type { SolarhubConfig } from '@lib/config';
import { ObservabilityModule } from '@lib/observability';
import { AnalysisService, HistoryQueries } from './analytics/analysis.service';
import { ScheduleService } from './analytics/schedule.service';
import { AssetsService } from './api/assets.service';
import {
  AnalysisController,
  BessController,
  ConfigController,
  DeviceStatusController,
  InverterController,
  MetersController,
  PcsController,
  RootController,
  ScheduleController,
  SystemController,
} from './api/controllers';
import { SystemService } from './api/system.service';
import { AuthModule } from '@lib/auth';
import { AuthController, JwksController } from './auth/auth.controller';
import { AuthService } from './auth/auth.service';
import { LoginThrottle } from './auth/login-throttle';
import { ServiceTokensService } from './auth/service-tokens.service';
import { SessionRevocations } from './auth/session-revocations';
import { SigningKeys } from './auth/signing-keys';
import { TokensService } from './auth/tokens.service';
import { SeedService } from './seed/seed.service';
import { SOLARHUB_CONFIG } from './solarhub.tokens';
import { SolarhubDatabases } from './storage/databases';
import { LatestStore } from './storage/latest-store';
import { DeviceStatusService } from './telemetry/device-status.service';
import { IngestionService } from './telemetry/ingestion.service';
import { LatestReader } from './telemetry/latest-reader';
import { TelemetryWriter } from './telemetry/telemetry-writer';

@Module({})
export class AppModule {
  static forRoot(config: SolarhubConfig): DynamicModule {
    const keys = new SigningKeys(config);
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forApp({ appName: 'solarhub-api', config }),
        AuthModule.forApp({ appName: 'solarhub-api', config, localKeys: (kid) => keys.publicKeyPem(kid) }),
      ],
      controllers: [
        RootController,
        AuthController,
        JwksController,
        SystemController,
        BessController,
        DeviceStatusController,
        PcsController,
        MetersController,
        InverterController,
        ScheduleController,
        AnalysisController,
        ConfigController,
      ],
      providers: [
        { provide: SOLARHUB_CONFIG, useValue: config },
        SolarhubDatabases,
        LatestStore,
        TelemetryWriter,
        IngestionService,
        DeviceStatusService,
        LatestReader,
        AssetsService,
        HistoryQueries,
        AnalysisService,
        ScheduleService,
        SystemService,
        TokensService,
        LoginThrottle,
        AuthService,
        { provide: SigningKeys, useValue: keys },
        SessionRevocations,
        ServiceTokensService,
        SeedService,
      ],
    };
  }
}
