import { Body, Controller, Get, Logger, Put } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { BUS_PATTERNS, SiteChargingLimitDto } from '@lib/contracts';
import { SiteLoadService } from './site-load.service';
import { RequireRole } from '@lib/auth';

@ApiTags('site load management')
@RequireRole('viewer')
@Controller('site')
export class SiteController {
  private readonly logger = new Logger('site-load');

  constructor(private readonly site: SiteLoadService) {}

  @Get('charging_limit')
  @ApiOperation({ summary: 'The site charging limit and how it is shared among active transactions' })
  get(): ReturnType<SiteLoadService['view']> {
    return this.site.view();
  }

  @Put('charging_limit')
  @RequireRole('operator')
  @ApiOperation({ summary: 'Set (or, with limit null, lift) the site charging limit; re-balances at once' })
  put(@Body() dto: SiteChargingLimitDto): Promise<ReturnType<SiteLoadService['view']>> {
    return this.site.set(
      dto.limit === null || dto.limit === undefined ? null : { limit: dto.limit, unit: dto.unit ?? 'W' },
    );
  }

  /** The optimizer sends the limit over the bus; a bad message is logged and ignored, never applied. */
  @EventPattern(BUS_PATTERNS.siteChargingLimit)
  async onBusLimit(@Payload() payload: unknown): Promise<void> {
    const dto = plainToInstance(SiteChargingLimitDto, payload ?? {});
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0 || dto.limit === undefined) {
      this.logger.warn(`ignored a bad site limit message: ${JSON.stringify(payload).slice(0, 200)}`);
      return;
    }
    await this.site.set(dto.limit === null ? null : { limit: dto.limit, unit: dto.unit ?? 'W' });
  }
}
