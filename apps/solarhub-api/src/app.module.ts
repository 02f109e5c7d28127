import { DynamicModule, Module } from '@nestjs/common';
import type { SolarhubConfig } from './solarhub-api.config';
import { AuthModule } from '@lib/auth';
import { ObservabilityModule } from '@lib/observability';
import { AnalysisModule } from './analysis/analysis.module';
import { SolarhubAuthModule } from './auth/auth.module';
import { SigningKeys } from './auth/signing-keys';
import { BessModule } from './bess/bess.module';
import { DashboardConfigModule } from './config/config.module';
import { SolarhubCoreModule } from './core.module';
import { DevicesModule } from './devices/devices.module';
import { HealthModule } from './health/health.module';
import { InvertersModule } from './inverters/inverters.module';
import { MetersModule } from './meters/meters.module';
import { PcsModule } from './pcs/pcs.module';
import { ScheduleModule } from './schedule/schedule.module';
import { SeedModule } from './seed/seed.module';
import { SystemModule } from './system/system.module';
import { TelemetryModule } from './telemetry/telemetry.module';

/** One module per row group of the README's endpoint table, plus telemetry in and the seed. */
@Module({})
export class AppModule {
  static forRoot(config: SolarhubConfig): DynamicModule {
    const keys = new SigningKeys(config);
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forApp({ appName: 'solarhub-api', config }),
        AuthModule.forApp({ appName: 'solarhub-api', config, localKeys: (kid) => keys.publicKeyPem(kid) }),
        SolarhubCoreModule.forRoot(config),
        TelemetryModule,
        HealthModule,
        SolarhubAuthModule.forRoot(keys),
        SystemModule,
        BessModule,
        PcsModule,
        DevicesModule,
        MetersModule,
        InvertersModule,
        ScheduleModule,
        AnalysisModule,
        DashboardConfigModule,
        SeedModule,
      ],
    };
  }
}
