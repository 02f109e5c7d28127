import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { InverterController } from './inverters.controller';
import { InvertersService } from './inverters.service';

/** `GET /api/v1/inverter`. */
@Module({
  imports: [TelemetryModule, DevicesModule],
  controllers: [InverterController],
  providers: [InvertersService],
})
export class InvertersModule {}
