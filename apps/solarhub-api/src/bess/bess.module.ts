import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { BessController } from './bess.controller';
import { BessService } from './bess.service';

/** `GET /api/v1/bess/{n}` and `GET /api/v1/bess/alert/rack/{rack}`. */
@Module({
  imports: [TelemetryModule, DevicesModule],
  controllers: [BessController],
  providers: [BessService],
})
export class BessModule {}
