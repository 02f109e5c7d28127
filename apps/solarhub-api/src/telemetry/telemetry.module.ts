import { Module } from '@nestjs/common';
import { IngestionService } from './ingestion.service';
import { LatestReader } from './latest-reader';
import { TelemetryWriter } from './telemetry-writer';

/** Telemetry in (the bus subscription, the writer to Redis and history) and the latest values out. */
@Module({
  providers: [TelemetryWriter, IngestionService, LatestReader],
  exports: [TelemetryWriter, IngestionService, LatestReader],
})
export class TelemetryModule {}
