import { DynamicModule, Module } from '@nestjs/common';
import type { CommonConfig } from '@lib/config';
import { ObservabilityModule } from '@lib/observability';

/** Health, metrics and docs for now; the app's own issue adds its feature modules. */
@Module({})
export class AppModule {
  static forRoot(config: CommonConfig): DynamicModule {
    return { module: AppModule, imports: [ObservabilityModule.forApp({ appName: 'ocpp-csms', config })] };
  }
}
