import { Module } from '@nestjs/common';
import { CycleModule } from '../cycle/cycle.module';
import { BatteryLinkModule } from '../dispatch/battery-link.module';
import { DispatcherModule } from '../dispatch/dispatcher.module';
import { ReadingsModule } from '../inventory/readings.module';
import { LiveModule } from '../live/live.module';
import { OptimizationModule } from '../optimization/optimization.module';
import { PricesModule } from '../prices/prices.module';
import { SystemModule } from '../system/system.module';
import { StatusController } from './status.controller';
import { StatusService } from './status.service';

/** `GET /api/v1/system/status`: reads every feature's state (the control loop's counters too); nothing reads it. */
@Module({
  imports: [
    PricesModule,
    ReadingsModule,
    OptimizationModule,
    DispatcherModule,
    BatteryLinkModule,
    CycleModule,
    LiveModule,
    SystemModule,
  ],
  controllers: [StatusController],
  providers: [StatusService],
})
export class StatusModule {}
