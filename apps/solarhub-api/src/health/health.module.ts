import { Module } from '@nestjs/common';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { RootController } from './health.controller';
import { HealthService } from './health.service';

/** `GET /`, `/health` and `/health/detailed` (`/health/live` and `/health/ready` come from libs/observability). */
@Module({
  imports: [TelemetryModule],
  controllers: [RootController],
  providers: [HealthService],
})
export class HealthModule {}
