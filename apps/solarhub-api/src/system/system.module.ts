import { Module } from '@nestjs/common';
import { DashboardConfigModule } from '../config/config.module';
import { DevicesModule } from '../devices/devices.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { SystemController } from './system.controller';
import { SystemService } from './system.service';

/** `GET /api/v1/system/overview` and `…/topology`. */
@Module({
  imports: [TelemetryModule, DevicesModule, DashboardConfigModule],
  controllers: [SystemController],
  providers: [SystemService],
})
export class SystemModule {}
