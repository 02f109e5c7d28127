import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { ConsoleConfig } from './console.config';
import { createHttpApp } from '@lib/observability';
import { AppModule } from './app.module';
import { LiveGateway } from './live/live.gateway';
import { registerProxies } from './upstreams/proxy';
import { registerWebApp } from './web/web-app';

export async function createConsoleApp(config: ConsoleConfig): Promise<NestFastifyApplication> {
  const app = await createHttpApp(AppModule.forRoot(config), {
    http: config.http,
    title: 'console',
    description:
      "The operator console: the web app, every app's REST API under /api/<app>/ and the live feed (WebSocket /ws/live).",
  });
  await registerProxies(app, config);
  await registerWebApp(app, config);
  app.get(LiveGateway).attach(app.getHttpServer());
  return app;
}
