import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OpenByDefault } from '@lib/auth';
import { OverviewDto, TopologyDto } from './system.dto';
import { SystemService } from './system.service';

@ApiTags('system')
@OpenByDefault()
@Controller('api/v1/system')
export class SystemController {
  constructor(private readonly system: SystemService) {}

  @Get('overview')
  @ApiOperation({ summary: 'Generation, storage, grid and alert totals from the latest telemetry' })
  @ApiOkResponse({ type: OverviewDto })
  overview(): Promise<OverviewDto> {
    return this.system.overview();
  }

  @Get('topology')
  @ApiOperation({ summary: 'The server, its databases, Redis instances and broker, with their state' })
  @ApiOkResponse({ type: TopologyDto })
  topology(): TopologyDto {
    return this.system.topology();
  }
}
