import { Module } from '@nestjs/common';
import { AnalysisModule } from '../analysis/analysis.module';
import { DevicesModule } from '../devices/devices.module';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { MetersController } from './meters.controller';
import { MetersService } from './meters.service';

/** `GET /api/v1/meters` and `GET /api/v1/meters/aux` (the auxiliary meter's day, from history). */
@Module({
  imports: [TelemetryModule, DevicesModule, AnalysisModule],
  controllers: [MetersController],
  providers: [MetersService],
})
export class MetersModule {}
