import { Body, Controller, Get, Logger, Put } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BUS_PATTERNS, SiteChargingLimitDto, SiteChargingPlanDto, TOPIC_REGISTRY } from '@lib/contracts';
import { checkBusBody } from '@lib/messaging';
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
  @ApiOkResponse({ type: SiteChargingPlanDto })
  get(): Promise<SiteChargingPlanDto> {
    return this.site.status();
  }

  @Put('charging_limit')
  @RequireRole('operator')
  @ApiOperation({
    summary:
      'Set (or, with limit null, lift) the site charging limit; answers with the new plan within SITE_ANSWER_WITHIN_MS, outcomes still pending show in GET',
  })
  @ApiOkResponse({ type: SiteChargingPlanDto })
  put(@Body() dto: SiteChargingLimitDto): Promise<SiteChargingPlanDto> {
    return this.site.set(
      dto.limit === null || dto.limit === undefined ? null : { limit: dto.limit, unit: dto.unit ?? 'W' },
    );
  }

  /** The optimizer sends the limit over the bus; a bad message is logged and ignored, never applied. */
  @EventPattern(BUS_PATTERNS.siteChargingLimit)
  async onBusLimit(@Payload() payload: unknown): Promise<void> {
    // The transport has parsed the JSON; the body is checked against the registry's class like every bus message.
    let checked: ReturnType<typeof checkBusBody<SiteChargingLimitDto>> | null = null;
    try {
      if (typeof payload === 'object' && payload !== null && !Array.isArray(payload))
        checked = checkBusBody(TOPIC_REGISTRY.siteChargingLimit, payload as Record<string, unknown>);
    } catch {
      checked = null;
    }
    if (!checked?.ok || checked.value.limit === undefined) {
      this.logger.warn(`ignored a bad site limit message: ${JSON.stringify(payload ?? null).slice(0, 200)}`);
      return;
    }
    const dto = checked.value;
    await this.site.setFromBus(dto.limit === null ? null : { limit: dto.limit, unit: dto.unit ?? 'W' });
  }
}
