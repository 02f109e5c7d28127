import { Module } from '@nestjs/common';
import { DispatcherModule } from '../dispatch/dispatcher.module';
import { ReadingsModule } from '../inventory/readings.module';
import { OptimizationModule } from '../optimization/optimization.module';
import { PricesModule } from '../prices/prices.module';
import { SystemModule } from '../system/system.module';
import { LiveDataGateway } from './live-data.gateway';
import { LiveService } from './live.service';

/** `ws /ws/live-data` (attached to the HTTP server by the app factory); the status counts its clients. */
@Module({
  imports: [PricesModule, OptimizationModule, ReadingsModule, DispatcherModule, SystemModule],
  providers: [LiveService, LiveDataGateway],
  exports: [LiveDataGateway],
})
export class LiveModule {}
