import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public, RequireRole } from '@lib/auth';
import { isoSeconds } from '@lib/contracts';
import { LIVE_DATA_PATH } from '../live/live-data.gateway';
import { HealthDto, ServiceInfoDto } from './system.dto';
import { Uptime } from './uptime';

@ApiTags('system')
@RequireRole('viewer')
@Controller()
export class SystemController {
  constructor(private readonly uptime: Uptime) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Service info' })
  @ApiOkResponse({ type: ServiceInfoDto })
  root(): ServiceInfoDto {
    return {
      service: 'gridpilot-optimizer',
      description: 'Prices, forecasts, an LP optimizer with a VCG auction, and dispatch (document 003)',
      version: '1.0.0',
      status: 'operational',
      docs: '/docs',
      websocket: LIVE_DATA_PATH,
      timestamp: isoSeconds(),
    };
  }

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Simple health check (see /health/ready for dependencies)' })
  @ApiOkResponse({ type: HealthDto })
  health(): HealthDto {
    return { status: 'healthy', timestamp: isoSeconds(), uptime_seconds: this.uptime.seconds };
  }
}
