import { Module } from '@nestjs/common';
import { BatteryLinkModule } from '../dispatch/battery-link.module';
import { ForecastModule } from '../forecast/forecast.module';
import { ReadingsModule } from '../inventory/readings.module';
import { OptimizerService } from './optimizer.service';

/** The MPC (HiGHS) and the auction of its first step: the plan the endpoints, the cycle and the live message read. */
@Module({
  imports: [ForecastModule, ReadingsModule, BatteryLinkModule],
  providers: [OptimizerService],
  exports: [OptimizerService],
})
export class OptimizationModule {}
