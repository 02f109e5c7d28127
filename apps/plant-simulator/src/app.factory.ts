import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { PlantSimulatorConfig } from './plant-simulator.config';
import { ONE_MEGABYTE, createHttpApp } from '@lib/observability';
import { AppModule } from './app.module';

export function createPlantSimulatorApp(config: PlantSimulatorConfig): Promise<NestFastifyApplication> {
  return createHttpApp(AppModule.forRoot(config), {
    http: config.http,
    title: 'plant-simulator',
    description:
      'Test power plant API (PowerHive): generation random-walks within bounds, consumption is set by POST, all values in MW.',
    bodyLimitBytes: ONE_MEGABYTE,
  });
}
