import { Module } from '@nestjs/common';
import { BatteryLinkModule } from '../dispatch/battery-link.module';
import { DispatcherModule } from '../dispatch/dispatcher.module';
import { ReadingsModule } from '../inventory/readings.module';
import { OptimizationModule } from '../optimization/optimization.module';
import { PricesModule } from '../prices/prices.module';
import { ControlLoopService } from './control-loop.service';
import { CycleController } from './cycle.controller';
import { CycleService } from './cycle.service';
import { LoadTimers } from './load-timers';

/**
 * The control cycle: `POST /api/v1/system/run-full-cycle`, the background cycle and the control
 * loop, and the one dispatch path they and `dispatch/execute` take (CycleService.apply), which alone
 * moves the load timers and the SOC estimate. It depends on the features it drives; none of them
 * depends on it (only the dispatch endpoint and the status, which nothing depends on).
 */
@Module({
  imports: [PricesModule, ReadingsModule, OptimizationModule, DispatcherModule, BatteryLinkModule],
  controllers: [CycleController],
  providers: [LoadTimers, CycleService, ControlLoopService],
  exports: [CycleService, ControlLoopService],
})
export class CycleModule {}
