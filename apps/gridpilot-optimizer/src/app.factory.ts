import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { GridpilotConfig } from './gridpilot-optimizer.config';
import { createHttpApp } from '@lib/observability';
import { AppModule } from './app.module';
import { LiveDataGateway } from './live/live-data.gateway';

export async function createGridpilotApp(config: GridpilotConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    http: config.http,
    title: 'gridpilot-optimizer',
    description:
      'GridPilot (document 003): prices, forecasts, an LP optimizer (HiGHS) with a VCG auction, and dispatch. WebSocket: /ws/live-data.',
  });
  app.get(LiveDataGateway).attach(app.getHttpServer());
  return app;
}
