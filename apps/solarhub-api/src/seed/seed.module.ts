import { Module } from '@nestjs/common';
import { TelemetryModule } from '../telemetry/telemetry.module';
import { SeedService } from './seed.service';

/** `main.js seed [--days N]`: history written through the same parser and writer as live data. */
@Module({
  imports: [TelemetryModule],
  providers: [SeedService],
  exports: [SeedService],
})
export class SeedModule {}
