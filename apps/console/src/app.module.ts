import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@lib/auth';
import type { ConsoleConfig } from './console.config';
import { ObservabilityModule } from '@lib/observability';
import { CONSOLE_CONFIG } from './console.tokens';
import { LiveBusService } from './live/live-bus.service';
import { LiveGateway } from './live/live.gateway';
import { AppsController } from './upstreams/apps.controller';
import { UpstreamHealthService } from './upstreams/upstream-health.service';
import { WebAppController } from './web/web-app.controller';

@Module({})
export class AppModule {
  static forRoot(config: ConsoleConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forApp({ appName: 'console', config }),
        AuthModule.forApp({ appName: 'console', config }),
      ],
      controllers: [AppsController, WebAppController],
      providers: [{ provide: CONSOLE_CONFIG, useValue: config }, UpstreamHealthService, LiveBusService, LiveGateway],
    };
  }
}
