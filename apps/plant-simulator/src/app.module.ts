import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@lib/auth';
import type { PlantSimulatorConfig } from './plant-simulator.config';
import { ObservabilityModule, ServiceInfoModule } from '@lib/observability';
import { PlantModule } from './plant/plant.module';

@Module({})
export class AppModule {
  static forRoot(config: PlantSimulatorConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forApp({ appName: 'plant-simulator', config }),
        ServiceInfoModule.forApp({
          service: 'plant-simulator',
          version: '0.1.0',
          description:
            'Test power plant API (document 000): generation random-walks within bounds, consumption is set by POST, values in MW.',
        }),
        AuthModule.forApp({ appName: 'plant-simulator', config, staticToken: config.token }),
        PlantModule.forRoot(config),
      ],
    };
  }
}
