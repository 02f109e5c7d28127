import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OcppCsmsConfig } from './ocpp-csms.config';
import { busTransportOptions, reportTransportReadiness } from '@lib/messaging';
import { ReadinessRegistry, createHttpApp } from '@lib/observability';
import { AppModule } from './app.module';

export async function createCsmsApp(config: OcppCsmsConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    http: config.http,
    title: 'ocpp-csms',
    description:
      'OCPP 1.6-J central system (ws://host:OCPP_PORT/{chargePointId}) with the Smart Charging REST API of document 004.',
  });
  // The site limit also arrives over the bus (the optimizer sends it): Redis, or the MQTT broker.
  const bus = busTransportOptions(config.bus);
  if (bus) {
    const microservice = app.connectMicroservice(bus, { inheritAppConfig: true });
    reportTransportReadiness(microservice, app.get(ReadinessRegistry), 'bus');
    await app.startAllMicroservices();
  }
  return app;
}
