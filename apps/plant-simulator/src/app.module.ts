import { DynamicModule, Module } from '@nestjs/common';
import type { PlantSimulatorConfig } from '@lib/config';
import { ObservabilityModule } from '@lib/observability';
import { PlantModule } from './plant/plant.module';

@Module({})
export class AppModule {
  static forRoot(config: PlantSimulatorConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ObservabilityModule.forApp({ appName: 'plant-simulator', config }), PlantModule.forRoot(config)],
    };
  }
}
