import { DynamicModule, Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { GridpilotConfig } from './gridpilot-optimizer.config';
import { ReadinessRegistry } from '@lib/observability';
import { GRIDPILOT_CONFIG } from './gridpilot.tokens';
import { SiteLink } from './site-link';

/**
 * What every feature reads: the app's configuration and its link to the site (the MQTT broker and
 * the bus). The broker and the bus count for readiness only when configured; the link closes after
 * every feature has stopped (a global module's shutdown hooks run last).
 */
@Global()
@Module({})
export class GridpilotCoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(SiteLink) private readonly link: SiteLink,
    private readonly readiness: ReadinessRegistry,
  ) {}

  static forRoot(config: GridpilotConfig): DynamicModule {
    return {
      module: GridpilotCoreModule,
      providers: [
        { provide: GRIDPILOT_CONFIG, useValue: config },
        { provide: SiteLink, useFactory: () => new SiteLink(config) },
      ],
      exports: [GRIDPILOT_CONFIG, SiteLink],
    };
  }

  onModuleInit(): void {
    if (this.link.mqtt) this.readiness.register('mqtt', () => this.link.mqtt?.state() ?? { up: true, info: {} });
    if (this.link.bus.transport === 'redis') this.readiness.register('bus', () => this.link.bus.state());
  }

  onApplicationShutdown(): Promise<void> {
    return this.link.close();
  }
}
