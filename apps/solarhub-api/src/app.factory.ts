import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { SolarhubConfig } from '@lib/config';
import { createHttpApp } from '@lib/observability';
import { AppModule } from './app.module';

export async function createSolarhubApp(config: SolarhubConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    trustProxy: config.http.trustProxy,
    title: 'solarhub-api',
    version: '1.0.0',
    description:
      'SolarHub (document 001): BESS, PCS, meters, inverter, schedule, income and analysis, from live telemetry in MySQL and Redis.',
  });
  // The OAuth2 password login posts a form: Nest's Fastify adapter parses urlencoded bodies itself.
  if (config.corsOrigins) {
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
      credentials: !config.corsOrigins.includes('*'),
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      maxAge: 600,
    });
  }
  return app;
}
