import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '@lib/auth';
import { CONSOLE_UPSTREAMS, type ConsoleConfig } from '../console.config';
import { CONSOLE_CONFIG } from '../console.tokens';
import { LiveBusService } from '../live/live-bus.service';
import { UpstreamHealthService } from './upstream-health.service';

export class UpstreamHealthDto {
  @ApiProperty({ enum: CONSOLE_UPSTREAMS, description: 'served under /api/<name>/' }) name!: string;
  @ApiProperty({ example: 'solarhub-api' }) app!: string;
  @ApiProperty({ enum: ['up', 'degraded', 'down', 'unknown'] }) state!: string;
  @ApiProperty({ type: [String], description: "the app's own dependencies that are down" }) down!: string[];
  @ApiProperty({ nullable: true, type: String }) checked_at!: string | null;
}

export class ConsoleSiteDto {
  @ApiProperty({ example: 'Europe/Lisbon' }) timezone!: string;
  @ApiProperty({ example: 'complexo-paranhos' }) plant_id!: string;
  @ApiProperty({ enum: ['connected', 'disconnected', 'not_configured'] }) bus!: string;
  @ApiProperty({ type: [UpstreamHealthDto] }) apps!: UpstreamHealthDto[];
}

@ApiTags('console')
@Controller('api/console')
export class AppsController {
  constructor(
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
    private readonly upstreams: UpstreamHealthService,
    private readonly bus: LiveBusService,
  ) {}

  /** Open to all: the login page says which app is away before anyone has a token. It names no host. */
  @Get('site')
  @Public()
  @ApiOperation({ summary: "The site's time zone and plant, the bus and every app's health as the console sees them" })
  @ApiOkResponse({ type: ConsoleSiteDto })
  site(): ConsoleSiteDto {
    return {
      timezone: this.config.timezone,
      plant_id: this.config.plantId,
      bus: !this.bus.enabled ? 'not_configured' : this.bus.connected ? 'connected' : 'disconnected',
      apps: this.upstreams.all(),
    };
  }
}
