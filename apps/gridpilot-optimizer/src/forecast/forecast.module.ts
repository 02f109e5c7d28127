import { Module } from '@nestjs/common';
import { PricesModule } from '../prices/prices.module';
import { ForecastController } from './forecast.controller';
import { ForecastService } from './forecast.service';

/** `POST /api/v1/ml/forecast`: the ensemble over the stored prices; the optimizer's price forecast. */
@Module({
  imports: [PricesModule],
  controllers: [ForecastController],
  providers: [ForecastService],
  exports: [ForecastService],
})
export class ForecastModule {}
