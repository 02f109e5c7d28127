import { Module } from '@nestjs/common';
import { DeviceStatusService } from './device-status.service';
import { DeviceStatusController } from './device-status.controller';
import { UnitOnline } from './unit-online.service';

/** `GET /api/v1/devices/…/status`: every device's status from the bus, and what "online" means for a unit. */
@Module({
  controllers: [DeviceStatusController],
  providers: [DeviceStatusService, UnitOnline],
  exports: [DeviceStatusService, UnitOnline],
})
export class DevicesModule {}
