import { Module } from '@nestjs/common';
import { BatteryLinkService } from './battery-link.service';

/**
 * The BESS of BESS_DEVICE_ID: its set-points and acks, and whether it is planned around. The
 * optimizer, the dispatcher, the control loop and the status read it.
 */
@Module({
  providers: [BatteryLinkService],
  exports: [BatteryLinkService],
})
export class BatteryLinkModule {}
