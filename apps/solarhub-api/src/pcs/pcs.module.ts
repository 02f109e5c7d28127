import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { PcsController } from './pcs.controller';
import { PcsService } from './pcs.service';

/** `GET /api/v1/pcs/{n}` and `GET /api/v1/pcs/alert`. */
@Module({
  imports: [TelemetryModule, DevicesModule],
  controllers: [PcsController],
  providers: [PcsService],
})
export class PcsModule {}
