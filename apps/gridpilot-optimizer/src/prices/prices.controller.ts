import { Controller, Get, Query, UnprocessableEntityException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@lib/auth';
import { isoSeconds } from '@lib/contracts';
import { r3 } from '../round';
import { DailyPricesDto, DailyPricesQueryDto, PricesDto, PricesQueryDto } from './prices.dto';
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

  @Get('prices/daily')
  @ApiOperation({
    summary:
      'Hourly mean prices ($/MWh) of one local day of the site: 24 entries, 23 or 25 on the day DST starts or ends',
  })
  @ApiOkResponse({ type: DailyPricesDto })
  async daily(@Query() query: DailyPricesQueryDto): Promise<DailyPricesDto> {
    const day = await this.prices.localDay(query.date);
    if (!day) {
      throw new UnprocessableEntityException({
        detail: [{ type: 'value_error', loc: ['query', 'date'], msg: 'date is not a valid date', input: query.date }],
      });
    }
    return {
      date: day.date,
      timezone: this.prices.clock.zone,
      start: isoSeconds(new Date(day.start)),
      end: isoSeconds(new Date(day.end)),
      hours: day.hours.length,
      data: day.hours.map((h, i) => ({
        hour: i,
        timestamp: isoSeconds(new Date(h.start)),
        local_time: h.localTime,
        energy_price: h.energyPrice,
        hash_price: h.hashPrice,
        token_price: h.tokenPrice,
        samples: h.samples,
      })),
      unit: '$/MWh',
    };
  }
}
