import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@lib/auth';
import { BasicHealthDto, DetailedHealthDto, RootDto } from './health.dto';
import { HealthService, SERVICE_NAME, SERVICE_VERSION } from './health.service';

@ApiTags('health')
@Public()
@Controller()
export class RootController {
  constructor(private readonly service: HealthService) {}

  @Get()
  @ApiOperation({ summary: 'Service info and docs link' })
  @ApiOkResponse({ type: RootDto })
  root(): RootDto {
    return { service: SERVICE_NAME, version: SERVICE_VERSION, docs: '/docs' };
  }

  @Get('health')
  @ApiOperation({ summary: 'Basic health: healthy whenever the API runs' })
  @ApiOkResponse({ type: BasicHealthDto })
  health(): BasicHealthDto {
    return { status: 'healthy', service: SERVICE_NAME, version: SERVICE_VERSION };
  }

  @Get('health/detailed')
  @ApiOperation({ summary: 'Every database domain, both Redis instances and the broker' })
  @ApiOkResponse({ type: DetailedHealthDto })
  detailed(): Promise<DetailedHealthDto> {
    return this.service.detailedHealth();
  }
}
