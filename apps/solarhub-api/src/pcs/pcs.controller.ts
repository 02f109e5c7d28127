import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { OpenByDefault } from '@lib/auth';
import { UnitNumberPipe } from '../common/query';
import { PcsAlertDto, PcsAlertQuery, PcsAlertWordStrings, PcsViewDto } from './pcs.dto';
import { PcsService } from './pcs.service';

@ApiTags('pcs')
@OpenByDefault()
@Controller('api/v1/pcs')
export class PcsController {
  constructor(private readonly pcsUnits: PcsService) {}

  @Get('alert')
  @ApiOperation({ summary: "A PCS unit's seven 16-bit status words" })
  @ApiOkResponse({ type: PcsAlertDto })
  alert(@Query() q: PcsAlertQuery): Promise<PcsAlertDto & PcsAlertWordStrings> {
    return this.pcsUnits.pcsAlert(q.pcs_number);
  }

  @Get(':pcs_number')
  @ApiOperation({ summary: 'A PCS unit: mode, power and DC voltage' })
  @ApiParam({ name: 'pcs_number', schema: { type: 'integer', minimum: 1, maximum: 12 } })
  @ApiOkResponse({ type: PcsViewDto })
  pcs(@Param('pcs_number', new UnitNumberPipe('pcs_number')) unit: number): Promise<PcsViewDto> {
    return this.pcsUnits.pcs(unit);
  }
}
