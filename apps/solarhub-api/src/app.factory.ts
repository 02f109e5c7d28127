import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { SolarhubConfig } from './solarhub-api.config';
import { createHttpApp } from '@lib/observability';
import { AppModule } from './app.module';

export async function createSolarhubApp(config: SolarhubConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    http: config.http,
    title: 'solarhub-api',
    version: '1.0.0',
    description:
      'SolarHub (document 001): BESS, PCS, meters, inverter, schedule, income and analysis, from live telemetry in MySQL and Redis.',
  });
  return app;
}
