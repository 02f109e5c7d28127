import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { OpenByDefault } from '@lib/auth';
import { UnitNumberPipe } from '../common/query';
import { BessViewDto, RackAlertsDto, RackParam } from './bess.dto';
import { BessService } from './bess.service';

@ApiTags('bess')
@OpenByDefault()
@Controller('api/v1/bess')
export class BessController {
  constructor(private readonly units: BessService) {}

  @Get('alert/rack/:rack_number')
  @ApiOperation({ summary: "A rack's alarms in every BESS unit (battery_N_* is BESS N) and its BAMS link" })
  @ApiOkResponse({ type: RackAlertsDto })
  rackAlerts(@Param() params: RackParam): Promise<RackAlertsDto> {
    return this.units.rackAlerts(params.rack_number);
  }

  /** Answers the view already serialised (cached per latest value): the dashboard's hottest route. */
  @Get(':bess_number')
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiParam({ name: 'bess_number', schema: { type: 'integer', minimum: 1, maximum: 12 } })
  @ApiOperation({ summary: 'A BESS unit: mode, voltage, current, SOC and temperature per rack' })
  @ApiOkResponse({ type: BessViewDto })
  bess(@Param('bess_number', new UnitNumberPipe('bess_number')) unit: number): Promise<string> {
    return this.units.bessAsJson(unit);
  }
}
