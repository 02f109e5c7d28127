import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AuthModule } from '@lib/auth';
import type { GridpilotConfig } from '@lib/config';
import { ObservabilityModule, ReadinessRegistry } from '@lib/observability';
import { DatabaseOptions, PersistenceModule } from '@lib/persistence';
import { DataController, OptimizationController, SystemController } from './api/controllers';
import { GridpilotService } from './api/gridpilot.service';
import { BatteryLinkService } from './dispatch/battery-link.service';
import { ControlLoopService } from './dispatch/control-loop.service';
import { DispatchService } from './dispatch/dispatch.service';
import { ForecastService } from './forecast/forecast.service';
import { GRIDPILOT_CONFIG } from './gridpilot.tokens';
import { InventoryService } from './inventory/inventory.service';
import { SiteLink } from './inventory/site-link';
import { LiveDataGateway } from './live/live-data.gateway';
import { OptimizerService } from './optimization/optimizer.service';
import { PlanController } from './plan/plan.controller';
import { DailyPricesController } from './prices/prices.controller';
import { PricesService } from './prices/prices.service';
import { GRIDPILOT_ENTITIES } from './storage/entities';
import { GRIDPILOT_MIGRATIONS } from './storage/migrations';

/** The app's database: also what `main.js migrate` migrates. */
export function databaseOptions(config: GridpilotConfig): DatabaseOptions {
  return {
    url: config.databaseUrl,
    createDatabase: config.createDatabases,
    migrate: config.migrateOnStart,
    appName: 'gridpilot-optimizer',
    entities: GRIDPILOT_ENTITIES,
    migrations: GRIDPILOT_MIGRATIONS,
  };
}

@Module({})
export class AppModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(SiteLink) private readonly link: SiteLink,
    private readonly readiness: ReadinessRegistry,
  ) {}

  static forRoot(config: GridpilotConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forApp({ appName: 'gridpilot-optimizer', config }),
        AuthModule.forApp({ appName: 'gridpilot-optimizer', config }),
        PersistenceModule.forRoot(databaseOptions(config)),
      ],
      controllers: [SystemController, DataController, DailyPricesController, OptimizationController, PlanController],
      providers: [
        { provide: GRIDPILOT_CONFIG, useValue: config },
        { provide: SiteLink, useFactory: () => new SiteLink(config) },
        PricesService,
        ForecastService,
        InventoryService,
        BatteryLinkService,
        OptimizerService,
        DispatchService,
        ControlLoopService,
        GridpilotService,
        LiveDataGateway,
      ],
    };
  }

  /** The broker and the bus count for readiness only when configured. */
  onModuleInit(): void {
    if (this.link.mqtt) this.readiness.register('mqtt', () => this.link.mqtt?.state() ?? { up: true, info: {} });
    if (this.link.bus.transport === 'redis') this.readiness.register('bus', () => this.link.bus.state());
  }

  onApplicationShutdown(): Promise<void> {
    return this.link.close();
  }
}
