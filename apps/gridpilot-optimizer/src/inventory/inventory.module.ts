import { Module } from '@nestjs/common';
import { BatteryLinkModule } from '../dispatch/battery-link.module';
import { DispatcherModule } from '../dispatch/dispatcher.module';
import { OptimizationModule } from '../optimization/optimization.module';
import { PricesModule } from '../prices/prices.module';
import { InventoryController } from './inventory.controller';
import { ReadingsModule } from './readings.module';

/** `GET /api/v1/data/inventory`: the readings, with the last plan, the last dispatch and the BESS link. */
@Module({
  imports: [ReadingsModule, OptimizationModule, DispatcherModule, BatteryLinkModule, PricesModule],
  controllers: [InventoryController],
})
export class InventoryModule {}
