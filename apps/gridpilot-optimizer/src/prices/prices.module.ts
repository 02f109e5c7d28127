import { Module } from '@nestjs/common';
import { PricesController } from './prices.controller';
import { PricesService } from './prices.service';

/** `GET /api/v1/data/prices`, `GET /api/v1/data/prices/daily`; the price sources and the stored prices. */
@Module({
  controllers: [PricesController],
  providers: [PricesService],
  exports: [PricesService],
})
export class PricesModule {}
