import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@lib/auth';
import { isoSeconds } from '@lib/contracts';
import { r3 } from '../round';
import { PricesDto, PricesQueryDto } from './prices.dto';
import { PricesService } from './prices.service';
import { rollingVolatility } from './volatility';

@ApiTags('data')
@RequireRole('viewer')
@Controller('api/v1/data')
export class PricesController {
  constructor(private readonly prices: PricesService) {}

  @Get('prices')
  @ApiOperation({ summary: 'Market prices ($/MWh) of the last hours_back hours, oldest first' })
  @ApiOkResponse({ type: PricesDto })
  async priceData(@Query() query: PricesQueryDto): Promise<PricesDto> {
    const points = await this.prices.history(query.hours_back ?? 24);
    const vol = rollingVolatility(points);
    const energy = points.map((p) => p.energyPrice);
    return {
      data: points.map((p, i) => ({
        timestamp: isoSeconds(p.at),
        energy_price: p.energyPrice,
        hash_price: p.hashPrice,
        token_price: p.tokenPrice,
        volume: p.volume,
        volatility_24h: r3(vol[i]),
      })),
      metadata: {
        total_records: points.length,
        latest_price: energy.at(-1) ?? null,
        price_range: {
          min: energy.length ? Math.min(...energy) : null,
          max: energy.length ? Math.max(...energy) : null,
        },
        source: this.prices.source.name,
        unit: '$/MWh',
        timestamp: isoSeconds(),
      },
    };
  }
}
