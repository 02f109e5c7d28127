import { Controller, Get, Query, UnprocessableEntityException } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { RequireRole } from '@lib/auth';
import { isoSeconds } from '@lib/contracts';
import { PricesService } from './prices.service';

export class DailyPricesQueryDto {
  @ApiProperty({ example: '2026-03-29', description: "A day of the site's calendar (SITE_TIMEZONE)" })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a date (YYYY-MM-DD)' })
  date!: string;
}

const hoursOf = (start: number, end: number): number => Math.round((end - start) / 3_600_000);

/** Prices by the site's local day: one entry per real hour of that day (23 or 25 on a DST change). */
@ApiTags('data')
@RequireRole('viewer')
@Controller('api/v1/data/prices')
export class DailyPricesController {
  constructor(private readonly prices: PricesService) {}

  @Get('daily')
  @ApiOperation({
    summary:
      'Hourly mean prices ($/MWh) of one local day of the site: 24 entries, 23 or 25 on the day DST starts or ends',
  })
  async daily(@Query() query: DailyPricesQueryDto): Promise<Record<string, unknown>> {
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
      hours: hoursOf(day.start, day.end),
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
