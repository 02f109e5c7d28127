import { Controller, Get, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OpenByDefault } from '@lib/auth';
import { InverterQuery, InverterViewDto } from './inverters.dto';
import { InvertersService } from './inverters.service';

@ApiTags('inverter')
@OpenByDefault()
@Controller('api/v1/inverter')
export class InverterController {
  constructor(private readonly inverters: InvertersService) {}

  @Get()
  @ApiOperation({ summary: 'Inverter totals, MPPT trackers, string currents and phases' })
  @ApiOkResponse({ type: InverterViewDto })
  @ApiNotFoundResponse({ description: 'Not configured, or no telemetry from it yet' })
  inverter(@Query() q: InverterQuery): Promise<InverterViewDto> {
    return this.inverters.inverter(q.inverter_number);
  }
}
