import { Module } from '@nestjs/common';
import { InventoryService } from './inventory.service';

/**
 * The site's readings: the plant, device telemetry, BESS telemetry and ocpp-csms's stations (and the
 * SOC estimate while no BESS reports). What the optimizer, the dispatcher and the cycle read; the
 * `inventory` endpoint shows it (InventoryModule).
 */
@Module({
  providers: [InventoryService],
  exports: [InventoryService],
})
export class ReadingsModule {}
