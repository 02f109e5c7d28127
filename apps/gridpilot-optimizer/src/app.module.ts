import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@lib/auth';
import type { GridpilotConfig } from './gridpilot-optimizer.config';
import { ObservabilityModule } from '@lib/observability';
import { AllocationModule } from './allocation/allocation.module';
import { GridpilotCoreModule } from './core.module';
import { CycleModule } from './cycle/cycle.module';
import { DispatchModule } from './dispatch/dispatch.module';
import { ForecastModule } from './forecast/forecast.module';
import { InventoryModule } from './inventory/inventory.module';
import { LiveModule } from './live/live.module';
import { PlanModule } from './plan/plan.module';
import { PricesModule } from './prices/prices.module';
import { StatusModule } from './status/status.module';
import { StorageModule } from './storage/storage.module';
import { SystemModule } from './system/system.module';

/**
 * One module per row of the README's endpoint table, in its order; what they share below them
 * (the readings, the optimizer, the dispatcher, the BESS link) they import themselves. Which
 * module depends on which: docs/architecture.md.
 */
@Module({})
export class AppModule {
  static forRoot(config: GridpilotConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ObservabilityModule.forApp({ appName: 'gridpilot-optimizer', config }),
        AuthModule.forApp({ appName: 'gridpilot-optimizer', config }),
        GridpilotCoreModule.forRoot(config),
        StorageModule.forRoot(config),
        SystemModule, // GET /, GET /health
        StatusModule, // GET /api/v1/system/status
        PlanModule, // GET /api/v1/optimization/plan
        PricesModule, // GET /api/v1/data/prices, GET /api/v1/data/prices/daily
        InventoryModule, // GET /api/v1/data/inventory
        ForecastModule, // POST /api/v1/ml/forecast
        AllocationModule, // POST /api/v1/optimization/allocate
        DispatchModule, // POST /api/v1/dispatch/execute, GET /api/v1/dispatch/history
        CycleModule, // POST /api/v1/system/run-full-cycle; the background cycle, the control loop
        LiveModule, // ws /ws/live-data
      ],
    };
  }
}
