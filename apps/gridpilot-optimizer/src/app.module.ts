import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AuthModule } from '@lib/auth';
import type { GridpilotConfig } from './gridpilot-optimizer.config';
import { ObservabilityModule, ReadinessRegistry } from '@lib/observability';
import { DatabaseOptions, PersistenceModule } from '@lib/persistence';
import { AllocationController } from './allocation/allocation.controller';
import { ControlLoopService } from './cycle/control-loop.service';
import { CycleController } from './cycle/cycle.controller';
import { CycleService } from './cycle/cycle.service';
import { LoadTimers } from './cycle/load-timers';
import { BatteryLinkService } from './dispatch/battery-link.service';
import { DispatchController } from './dispatch/dispatch.controller';
import { DispatchService } from './dispatch/dispatch.service';
import { ForecastController } from './forecast/forecast.controller';
import { ForecastService } from './forecast/forecast.service';
import { GRIDPILOT_CONFIG } from './gridpilot.tokens';
import { InventoryController } from './inventory/inventory.controller';
import { InventoryService } from './inventory/inventory.service';
import { SiteLink } from './inventory/site-link';
import { LiveDataGateway } from './live/live-data.gateway';
import { LiveService } from './live/live.service';
import { OptimizerService } from './optimization/optimizer.service';
import { PlanController } from './plan/plan.controller';
import { PricesController } from './prices/prices.controller';
import { PricesService } from './prices/prices.service';
import { StatusController } from './status/status.controller';
import { StatusService } from './status/status.service';
import { GRIDPILOT_ENTITIES } from './storage/entities';
import { GRIDPILOT_MIGRATIONS } from './storage/migrations';
import { SystemController } from './system/system.controller';
import { Uptime } from './system/uptime';

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
      // One controller per feature folder, in the order of the README's endpoint list.
      controllers: [
        SystemController, // GET /, GET /health
        StatusController, // GET /api/v1/system/status
        PlanController, // GET /api/v1/optimization/plan
        PricesController, // GET /api/v1/data/prices, GET /api/v1/data/prices/daily
        InventoryController, // GET /api/v1/data/inventory
        ForecastController, // POST /api/v1/ml/forecast
        AllocationController, // POST /api/v1/optimization/allocate
        DispatchController, // POST /api/v1/dispatch/execute, GET /api/v1/dispatch/history
        CycleController, // POST /api/v1/system/run-full-cycle
      ],
      providers: [
        { provide: GRIDPILOT_CONFIG, useValue: config },
        { provide: SiteLink, useFactory: () => new SiteLink(config) },
        Uptime,
        StatusService,
        PricesService,
        InventoryService,
        ForecastService,
        OptimizerService,
        BatteryLinkService,
        DispatchService,
        LoadTimers,
        CycleService,
        ControlLoopService,
        LiveService,
        LiveDataGateway, // ws /ws/live-data
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
