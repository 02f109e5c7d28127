import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OcppCsmsConfig } from '@lib/config';
import { createHttpApp } from '@lib/observability';
import { AppModule } from './app.module';

export function createCsmsApp(config: OcppCsmsConfig): Promise<NestFastifyApplication> {
  return createHttpApp(AppModule.forRoot(config), {
    trustProxy: config.http.trustProxy,
    title: 'ocpp-csms',
    description:
      'OCPP 1.6-J central system (ws://host:OCPP_PORT/{chargePointId}) with the Smart Charging REST API of document 004.',
  });
}
