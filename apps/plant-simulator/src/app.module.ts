import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@lib/auth';
import type { PlantSimulatorConfig } from '@lib/config';
import { ObservabilityModule } from '@lib/observability';
import { PlantModule } from './plant/plant.module';

@Module({})
export class AppModule {
  static forRoot(config: PlantSimulatorConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forApp({ appName: 'plant-simulator', config }),
        AuthModule.forApp({ appName: 'plant-simulator', config, staticToken: config.token }),
        PlantModule.forRoot(config),
      ],
    };
  }
}
