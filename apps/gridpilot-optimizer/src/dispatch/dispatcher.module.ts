import { Module } from '@nestjs/common';
import { ReadingsModule } from '../inventory/readings.module';
import { BatteryLinkModule } from './battery-link.module';
import { DispatchService } from './dispatch.service';

/**
 * The dispatcher: an order to the BESS, the plant, ocpp-csms and the devices, recorded. It moves no
 * state: every dispatch goes through the cycle's one path (CycleService.apply, CycleModule).
 */
@Module({
  imports: [ReadingsModule, BatteryLinkModule],
  providers: [DispatchService],
  exports: [DispatchService],
})
export class DispatcherModule {}
