import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IotMockConfig } from './iot-mock.config';
import { createHttpApp } from '@lib/observability';
import { AppModule } from './app.module';

export function createIotMockApp(config: IotMockConfig): Promise<NestFastifyApplication> {
  return createHttpApp(AppModule.forRoot(config), {
    http: config.http,
    title: 'iot-mock',
    description:
      'Simulated energy devices over MQTT (document 002): device CRUD, readings, commands with acknowledgements, simulation control.',
  });
}
