import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@lib/auth';
import { StatusDto } from './status.dto';
import { StatusService } from './status.service';

@ApiTags('system')
@RequireRole('viewer')
@Controller('api/v1/system')
export class StatusController {
  constructor(private readonly service: StatusService) {}

  @Get('status')
  @ApiOperation({ summary: 'Connectivity, last optimization, control loop and dispatch counters' })
  @ApiOkResponse({ type: StatusDto })
  status(): Promise<StatusDto> {
    return this.service.status();
  }
}
